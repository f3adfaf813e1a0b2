import type { Logger } from 'pino';
import { IotpError, toIotpError } from '../errors.js';
import type { ConsumedRecord, KafkaClient, ProducerRecord } from '../kafka/types.js';
import { DLQ_HEADERS } from './headers.js';
import { backToSource, planReplay, type ReplayItem, replayReceipt, withReplayMarker } from './replay-plan.js';
import { scanDeadLetters } from './scan.js';
import { type DeadLetterFilter, isReceipt, matchesFilter } from './select.js';

/** What a stage's resender makes of a dead letter: the records to send back, or why not. */
export type Resent = { records: ProducerRecord[] } | { refused: string };

/** Sends back what one stage refused (a dead letter of `error.stage` = that stage). */
export type Resender = (deadLetter: ConsumedRecord) => Promise<Resent>;

export interface ReplayOptions {
  client: KafkaClient;
  dlqTopic: string;
  filter: DeadLetterFilter;
  /** False (the default of `iotp dlq replay`): plan and report, send nothing. */
  execute: boolean;
  /**
   * Resenders by stage. The stream runtime's and the sink's dead letters go back to their source
   * topic as they were (`backToSource`) unless given here; an MQTT-source dead letter needs the
   * connector's checks (connectors/mqtt-source/replay-dead-letter.ts).
   */
  resenders?: Partial<Record<string, Resender>>;
  /** Replays sharing it fence each other (one replay at a time); default `iotp-dlq-replay`. */
  transactionalId?: string;
  /** At most this many dead letters are replayed (the first ones in offset order). */
  limit?: number;
  /** Dead letters per Kafka transaction (default 100). */
  chunk?: number;
  now?: () => number;
  log?: Logger;
}

/** One replayed (or planned) dead letter and what was (or would be) sent for it. */
export interface ReplayOutcome extends ReplayItem {
  /** The records sent (in a dry run: that would be sent). */
  sent: { topic: string; partition?: number; reason?: string }[];
}

export interface ReplayReport {
  executed: boolean;
  /** Dead letters the filter selected (receipts excluded). */
  selected: number;
  outcomes: ReplayOutcome[];
  replayed: number;
  refused: number;
}

const streamsOrSink: Resender = async (deadLetter) => ({ records: [backToSource(deadLetter)] });

/**
 * `iotp dlq replay`: sends selected dead letters back where they came from. Dry run unless
 * `execute`. With `execute` the transactional producer connects FIRST (fencing any other replay
 * with the same transactional id), THEN the dead-letter topic is read, so a receipt committed by
 * an earlier replay is always seen: each dead letter is replayed once. What a dead letter turns
 * into (marked `replay.of`) and its receipt are written in one Kafka transaction per chunk.
 *
 * @example
 *   const report = await replayDeadLetters({ client, dlqTopic: 'telemetry.dlq', filter: { reasons: ['UNKNOWN_ROUTE'] }, execute: true });
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  const now = options.now ?? Date.now;
  const producer = options.execute
    ? options.client.transactionalProducer({ transactionalId: options.transactionalId ?? 'iotp-dlq-replay' })
    : undefined;
  await producer?.connect();
  try {
    const selected: ConsumedRecord[] = [];
    const receipts = new Set<string>();
    await scanDeadLetters(options.client, options.dlqTopic, (r) => {
      if (isReceipt(r)) receipts.add(r.headers[DLQ_HEADERS.replayReceipt] as string);
      else if (matchesFilter(r, options.filter)) selected.push(r);
    });
    const limited = options.limit === undefined ? selected : selected.slice(0, options.limit);
    const items = planReplay(limited, receipts);
    const resenders: Partial<Record<string, Resender>> = {
      streams: streamsOrSink,
      'influxdb-sink': streamsOrSink,
      'archive-sink': streamsOrSink,
      ...options.resenders,
    };
    const outcomes: ReplayOutcome[] = items.map((i) => ({ ...i, sent: [] }));
    for (const o of outcomes)
      if (!o.refused && !resenders[o.stage])
        o.refused = { code: 'UNKNOWN_STAGE', why: `no way to replay dead letters of stage '${o.stage}'` };
    // A dry run runs the same resenders (no side effect: the MQTT checks, registry lookups) and
    // reports what would be sent; only `execute` writes.
    const chunk = options.chunk ?? 100;
    const todo = outcomes.filter((o) => !o.refused);
    for (let i = 0; i < todo.length; i += chunk)
      await resendChunk(todo.slice(i, i + chunk), {
        producer,
        resenders,
        dlqTopic: options.dlqTopic,
        now,
        log: options.log,
      });
    const replayed = outcomes.filter((o) => !o.refused).length;
    return {
      executed: options.execute,
      selected: selected.length,
      outcomes,
      replayed,
      refused: outcomes.filter((o) => o.refused).length,
    };
  } finally {
    await producer?.disconnect().catch(() => undefined);
  }
}

interface ChunkContext {
  /** Absent in a dry run. */
  producer: ReturnType<KafkaClient['transactionalProducer']> | undefined;
  resenders: Partial<Record<string, Resender>>;
  dlqTopic: string;
  now: () => number;
  log?: Logger | undefined;
}

/** One transaction: every resent record (marked) and every receipt of the chunk, or nothing. */
async function resendChunk(chunk: ReplayOutcome[], ctx: ChunkContext): Promise<void> {
  const records: ProducerRecord[] = [];
  const done: { outcome: ReplayOutcome; sent: ReplayOutcome['sent'] }[] = [];
  const nowMs = ctx.now();
  for (const o of chunk) {
    const resender = ctx.resenders[o.stage] as Resender;
    let resent: Resent;
    try {
      resent = await resender(o.deadLetter);
    } catch (error) {
      throw toIotpError(error, 'DLQ_REPLAY_FAILED').withContext({ deadLetter: o.coordinates });
    }
    if ('refused' in resent) {
      o.refused = { code: 'NOT_REPLAYABLE', why: resent.refused };
      continue;
    }
    const marked = resent.records.map((r) => withReplayMarker(r, o.coordinates, nowMs));
    records.push(...marked, replayReceipt(ctx.dlqTopic, o.coordinates, nowMs));
    done.push({
      outcome: o,
      sent: marked.map((r) => ({
        topic: r.topic,
        ...(r.partition === undefined ? {} : { partition: r.partition }),
        ...(r.topic === ctx.dlqTopic ? { reason: r.headers?.[DLQ_HEADERS.reason] ?? '' } : {}),
      })),
    });
  }
  if (!ctx.producer) {
    for (const d of done) d.outcome.sent = d.sent;
    return;
  }
  if (records.length === 0) return;
  await ctx.producer.begin();
  try {
    await ctx.producer.send(records);
    await ctx.producer.commit();
  } catch (error) {
    await ctx.producer.abort().catch(() => undefined);
    throw new IotpError(
      'DLQ_REPLAY_FAILED',
      `the replay transaction failed; nothing of it was written: ${String(error)}`,
      {
        cause: error,
        retriable: true,
      },
    );
  }
  for (const d of done) d.outcome.sent = d.sent;
  ctx.log?.info({ deadLetters: done.length, records: records.length }, 'replayed');
}
