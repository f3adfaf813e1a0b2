import type { ConsumedRecord, KafkaClient, Producer } from '../../lib/kafka/types.js';
import type { ReferenceInput } from './stats-reference.js';

/**
 * An event-time origin an hour before now, on a minute boundary. Test data must be recent: the
 * broker rolls a segment on each append whose timestamps are older than segment.ms and deletes
 * segments older than retention.ms (7 days), so old event times vanish from a topic mid-test.
 */
export function recentStart(): number {
  return Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
}

/**
 * Deterministic readings: `devices` keys, each on partition `hash % partitions`, timestamps rising
 * by `stepMs` per record with jitter of up to `jitterMs` back (out of order but in grace if
 * jitter <= grace), integer values.
 */
export function makeReadings(options: {
  count: number;
  devices: number;
  partitions: number;
  startMs: number;
  stepMs: number;
  jitterMs?: number;
  seed?: number;
}): ReferenceInput[] {
  let seed = options.seed ?? 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const out: ReferenceInput[] = [];
  for (let i = 0; i < options.count; i++) {
    const d = Math.floor(rand() * options.devices);
    const jitter = Math.floor(rand() * (options.jitterMs ?? 0));
    out.push({
      partition: d % options.partitions,
      key: `dev-${d}`,
      value: Math.floor(rand() * 1000) - 500,
      timestamp: options.startMs + i * options.stepMs - jitter,
    });
  }
  return out;
}

/** Sends readings as JSON `{ value }` with explicit partitions, in order, in chunks. */
export async function produceReadings(
  producer: Producer,
  topic: string,
  readings: readonly ReferenceInput[],
  chunk = 500,
): Promise<void> {
  for (let i = 0; i < readings.length; i += chunk) {
    await producer.send(
      readings.slice(i, i + chunk).map((r) => ({
        topic,
        partition: r.partition,
        key: r.key,
        value: Buffer.from(JSON.stringify({ value: r.value })),
        timestamp: r.timestamp,
      })),
    );
  }
}

/** Every committed record of a topic (read_committed, no group). */
export async function readCommitted(client: KafkaClient, topic: string, partitions: number): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  await client.replay({
    topic,
    partitions: Array.from({ length: partitions }, (_, i) => i),
    isolation: 'read_committed',
    onRecords: (records) => {
      out.push(...records);
    },
  });
  return out;
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns the last answer. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
