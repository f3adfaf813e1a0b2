import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { deadLetterMaxBytes, deadLetterTruncations, fitDeadLetter } from '../../lib/dead-letter/index.js';
import { ConfigError, type IotpError, isRetriable, toIotpError } from '../../lib/errors.js';
import { chunkRecords } from '../../lib/kafka/chunk-records.js';
import type { Batch, ConsumedRecord, KafkaClient, ProducerRecord, TopicPartition } from '../../lib/kafka/types.js';
import { startLagReporter } from '../../lib/runtime/lag-reporter.js';
import { deadLetterRecord, STAGE } from './dead-letter.js';
import { deliverBatch } from './deliver-batch.js';
import type { LineWriter } from './line-writer.js';
import type { Point } from './point.js';
import type { MadePoints } from './point-maker.js';
import { retryPolicy } from './retry-policy.js';
import { type BufferedRecord, commitOffsets, SinkBuffer, type TakenBatch } from './sink-buffer.js';
import { createSinkMetrics, retryReason } from './sink-metrics.js';
import type { SinkSettings } from './sink-settings.js';
import { WakeSignal } from './wake-signal.js';

/** What the sink is built from: I/O clients and the worker's context (see run-influxdb-sink.ts). */
export interface SinkDeps {
  kafka: KafkaClient;
  writer: LineWriter;
  /** Synchronous for the usual record (see point-maker.ts), a promise for the first of a schema and failures. */
  pointMaker: { make(record: ConsumedRecord): MadePoints | Promise<MadePoints> };
  registry: Registry;
  log: Logger;
  setReady(ready: boolean): void;
  /** The sink cannot go on (InfluxDB refuses the credentials, retries exhausted, Kafka failed): stop the worker. */
  onFatal(error: IotpError): void;
  clock?: () => number;
  random?: () => number;
}

export interface RunningSink {
  stop(): Promise<void>;
  /** Counters for tests and the benchmark. */
  stats(): { written: number; deadLetters: number; committedBatches: number; buffered: number };
}

const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

/**
 * One sink replica: consume -> map -> buffer -> write -> dead-letter refusals -> commit.
 * At-least-once: offsets are committed only after InfluxDB accepted (or refused for good, and the
 * refusal reached the dead-letter topic) every record up to them; a replay rewrites the same points.
 * Memory is bounded: fetching pauses while the buffer holds `maxBufferedPoints`, nothing is dropped.
 *
 * @example
 *   const sink = await startInfluxdbSink(settings, { kafka, writer, pointMaker, registry, log, setReady, onFatal });
 *   process.on('SIGTERM', () => sink.stop());
 */
export async function startInfluxdbSink(settings: SinkSettings, deps: SinkDeps): Promise<RunningSink> {
  const clock = deps.clock ?? Date.now;
  const random = deps.random ?? Math.random;
  const log = deps.log.child({ groupId: settings.groupId, replica: settings.replicaId });
  const metrics = createSinkMetrics(deps.registry);
  const buffer = new SinkBuffer(settings.buffer);
  const policy = retryPolicy(settings.retry);
  const wake = new WakeSignal();
  const writeAbort = new AbortController();
  const counts = { written: 0, deadLetters: 0, committedBatches: 0 };
  let paused = false;
  let stopping = false;
  let fatal: IotpError | undefined;
  metrics.bufferCapacity.set(settings.buffer.maxBufferedPoints);
  metrics.fetchPaused.set(0);

  const consumer = deps.kafka.consumer({
    groupId: settings.groupId,
    isolation: 'read_committed',
    sessionTimeoutMs: settings.sessionTimeoutMs,
    maxBatchSize: Math.min(1000, settings.buffer.maxBatchPoints),
  });
  const producer = deps.kafka.producer();
  const admin = deps.kafka.admin();
  // Start-up steps that do not wait for each other run together: the first write comes sooner.
  const checked = Promise.resolve()
    .then(() => deps.writer.check())
    .then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
  const deadLetterLimit = deadLetterMaxBytes(deps.kafka, settings.dlqTopic, log);
  await Promise.all([producer.connect(), admin.connect(), consumer.connect()]);

  const check = await checked;
  if (check === undefined) metrics.influxUp.set(1);
  else {
    const { error } = check;
    if (error instanceof ConfigError || !isRetriable(error)) throw error;
    metrics.influxUp.set(0);
    log.warn({ err: error, target: deps.writer.target }, 'InfluxDB not reachable at start; points wait in the buffer');
  }

  const fail = (error: unknown) => {
    if (fatal) return;
    fatal = toIotpError(error, 'SINK_FAILED');
    writeAbort.abort();
    wake.notify();
    deps.setReady(false);
    log.error({ err: fatal }, 'sink cannot go on');
    deps.onFatal(fatal);
  };

  const setPaused = (value: boolean) => {
    const owned = consumer.assignment();
    if (value) consumer.pause(owned);
    else consumer.resume(owned);
    paused = value;
    metrics.fetchPaused.set(value ? 1 : 0);
  };

  const maxDeadLetterBytes = await deadLetterLimit;
  const truncations = deadLetterTruncations(deps.registry);
  /** Each dead letter cut to fit Kafka if it must, sent in sends no larger than one record may be. */
  const sendDeadLetters = async (records: ProducerRecord[]) => {
    if (records.length === 0) return;
    const fitted = records.map((r) => {
      const { record, truncated } = fitDeadLetter(r, maxDeadLetterBytes);
      if (truncated) truncations.inc({ stage: STAGE });
      return record;
    });
    for (const chunk of chunkRecords(fitted, maxDeadLetterBytes)) await producer.send(chunk);
    counts.deadLetters += records.length;
  };

  /** The point maker's answer, retried while it throws a retriable error (the registry is down). */
  const makeRetrying = async (record: ConsumedRecord, first: Promise<MadePoints>): Promise<MadePoints> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await (attempt === 0 ? first : deps.pointMaker.make(record));
      } catch (error) {
        if (!isRetriable(error) || attempt >= settings.maxRetries) throw error;
        log.warn({ err: error, attempt }, 'decoding failed (retriable), retrying');
        await sleep(policy.delayMs(attempt, {}, random));
      }
    }
  };

  const onBatch = async (batch: Batch) => {
    metrics.recordsIn.inc({ topic: batch.topic }, batch.records.length);
    const entries: BufferedRecord[] = [];
    const dead: ProducerRecord[] = [];
    const now = clock();
    for (const record of batch.records) {
      let made: MadePoints | Promise<MadePoints>;
      try {
        made = deps.pointMaker.make(record);
      } catch (error) {
        made = Promise.reject(error);
      }
      if (made instanceof Promise) made = await makeRetrying(record, made);
      if (made.kind === 'dead') {
        dead.push(
          deadLetterRecord(record, made.rejection, {
            topic: settings.dlqTopic,
            source: settings.replicaId,
            nowMs: now,
          }),
        );
        metrics.deadLetters.inc({ reason: made.rejection.reason });
      }
      if (made.kind === 'points') entries.push({ record, points: made.points, lines: made.lines, addedAt: now });
      else entries.push({ record, points: [], lines: [], addedAt: now });
    }
    const last = entries[entries.length - 1];
    if (last && batch.nextOffset !== undefined) last.commitOffset = batch.nextOffset;
    // Durable in the dead-letter topic before their offsets can be committed.
    await sendDeadLetters(dead);
    buffer.add(entries);
    metrics.bufferPoints.set(buffer.pointCount);
    if (buffer.isFull() && !paused) setPaused(true);
    wake.notify();
  };

  const writePoints = async (batch: TakenBatch) => {
    const result = await deliverBatch(batch.points, batch.lines, {
      writer: deps.writer,
      policy,
      now: clock,
      random,
      sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}).catch(() => undefined),
      signal: writeAbort.signal,
      maxRetries: settings.maxRetries,
      onRetry: (r) => {
        metrics.retries.inc({ reason: retryReason(r.status) });
        if (r.status === undefined) {
          metrics.influxUp.set(0);
          deps.setReady(false);
        }
        log.warn(
          { attempt: r.attempt, delayMs: r.delayMs, status: r.status, message: r.message },
          'write failed, retrying',
        );
      },
      onRequest: (r) => {
        metrics.writeSeconds.observe({ api: deps.writer.api }, r.ms / 1000);
        if (r.status !== 'network') {
          metrics.influxUp.set(1);
          if (!fatal && !stopping) deps.setReady(true);
        }
      },
    });
    const rejectedEntries = new Map<number, (typeof result.rejected)[number]>();
    if (result.rejected.length > 0) {
      const owner: number[] = [];
      batch.entries.forEach((e, i) => {
        for (let k = 0; k < e.points.length; k++) owner.push(i);
      });
      for (const r of result.rejected)
        if (!rejectedEntries.has(owner[r.index] ?? -1)) rejectedEntries.set(owner[r.index] ?? -1, r);
    }
    const now = clock();
    await sendDeadLetters(
      [...rejectedEntries].map(([entryIndex, r]) => {
        const entry = batch.entries[entryIndex] as BufferedRecord;
        metrics.deadLetters.inc({ reason: 'INFLUX_REJECTED' });
        log.warn(
          {
            topic: entry.record.topic,
            partition: entry.record.partition,
            offset: entry.record.offset,
            message: r.message,
          },
          'InfluxDB refused a point: dead letter',
        );
        return deadLetterRecord(
          entry.record,
          {
            reason: 'INFLUX_REJECTED',
            code: `INFLUX_${r.status}`,
            message: r.message,
            influxStatus: r.status,
            line: batch.lines[r.index],
          },
          { topic: settings.dlqTopic, source: settings.replicaId, nowMs: now },
        );
      }),
    );
    // Counted per measurement, one counter update each (not one per point).
    const refused = new Set(result.rejected.map((r) => r.index));
    const perMeasurement = new Map<string, number>();
    const points = batch.points;
    for (let i = 0; i < points.length; i++) {
      if (refused.size > 0 && refused.has(i)) continue;
      const m = (points[i] as Point).measurement;
      perMeasurement.set(m, (perMeasurement.get(m) ?? 0) + 1);
    }
    for (const [measurement, n] of perMeasurement) metrics.pointsWritten.inc({ measurement }, n);
    counts.written += result.written;
    metrics.batches.inc({ result: result.rejected.length > 0 ? 'partial' : 'ok' });
  };

  // One commit may run while the next batch is written (commits are in order: each waits for the previous).
  let inFlightCommit: Promise<void> = Promise.resolve();
  const commitBatch = async (batch: TakenBatch) => {
    const owned = new Set(consumer.assignment().map(tpKey));
    const offsets = commitOffsets(batch.entries).filter((o) => owned.has(tpKey(o)));
    try {
      await consumer.commit(offsets);
      counts.committedBatches += 1;
    } catch (error) {
      // Not fatal: the records are written; a later commit covers them, or they are replayed (idempotent).
      log.warn({ err: error }, 'offset commit failed');
    }
    const now = clock();
    const perTopic = new Map<string, number>();
    for (const e of batch.entries) {
      const topic = e.record.topic;
      perTopic.set(topic, (perTopic.get(topic) ?? 0) + 1);
      metrics.processingSeconds.record((now - e.addedAt) / 1000);
      const eventTime = e.points[0]?.timestampMs;
      if (eventTime !== undefined) metrics.endToEndSeconds.record(Math.max(0, now - eventTime) / 1000, topic);
    }
    for (const [topic, n] of perTopic) metrics.recordsOut.inc({ topic }, n);
  };

  const flushOnce = async () => {
    const batch = buffer.take();
    metrics.bufferPoints.set(buffer.pointCount);
    if (batch.points.length > 0) await writePoints(batch);
    await inFlightCommit;
    inFlightCommit = commitBatch(batch);
    if (paused && buffer.canResume() && !stopping) setPaused(false);
  };

  const flusher = (async () => {
    while (!fatal) {
      const now = clock();
      if (buffer.recordCount > 0 && (stopping || buffer.due(now))) {
        try {
          await flushOnce();
        } catch (error) {
          if (stopping && writeAbort.signal.aborted)
            log.warn('shutdown flush gave up; unwritten records stay uncommitted');
          else fail(error);
          return;
        }
        continue;
      }
      if (stopping) return;
      const deadline = buffer.lingerDeadline();
      await wake.wait(deadline === undefined ? undefined : Math.max(0, deadline - now));
    }
  })();

  const lag = startLagReporter({
    admin,
    groupId: settings.groupId,
    topics: settings.topics,
    registry: deps.registry,
    log,
    intervalMs: settings.lagIntervalMs,
  });

  await consumer.subscribe(settings.topics);
  await consumer.run({
    eachBatch: onBatch,
    onAssign: async (partitions) => {
      log.info({ partitions: partitions.length }, 'partitions assigned');
      if (paused) consumer.pause(partitions);
    },
    onRevoke: async (partitions) => {
      const dropped = buffer.dropPartitions(partitions);
      metrics.bufferPoints.set(buffer.pointCount);
      log.info(
        { partitions: partitions.length, dropped },
        'partitions revoked (unwritten records go to their new owner)',
      );
    },
    onError: fail,
  });
  deps.setReady(true);
  log.info({ topics: settings.topics, target: deps.writer.target }, 'sink running');

  return {
    stats: () => ({ ...counts, buffered: buffer.recordCount }),
    async stop() {
      stopping = true;
      deps.setReady(false);
      if (!fatal) setPaused(true);
      const giveUp = setTimeout(() => writeAbort.abort(), fatal ? 0 : settings.shutdownFlushMs);
      wake.notify();
      await flusher;
      await inFlightCommit;
      clearTimeout(giveUp);
      lag.stop();
      const errors: unknown[] = [];
      for (const close of [() => consumer.disconnect(), () => producer.disconnect(), () => admin.disconnect()]) {
        await close().catch((e: unknown) => errors.push(e));
      }
      if (errors.length > 0) throw toIotpError(errors[0], 'SINK_STOP_FAILED');
    },
  };
}
