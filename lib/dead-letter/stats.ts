import type { ConsumedRecord } from '../kafka/types.js';
import { originOf, reasonOf, refusedAt, stageOf } from './select.js';

/** One line of `iotp dlq stats`: dead letters of one stage, reason and origin topic. */
export interface DeadLetterCount {
  stage: string;
  reason: string;
  /** `source.topic`, or `mqtt:<topic>` for an MQTT message. */
  topic: string;
  count: number;
  /** Refusal times of the first and latest (epoch ms). */
  firstMs: number;
  lastMs: number;
}

/**
 * Counts dead letters by stage, reason and origin topic, most frequent first.
 *
 * @example tallyDeadLetters(records)[0]; // { stage: 'mqtt-source', reason: 'INVALID_JSON', topic: 'mqtt:sensors/s1/d1/environment', count: 12, ... }
 */
export function tallyDeadLetters(records: Iterable<ConsumedRecord>): DeadLetterCount[] {
  const rows = new Map<string, DeadLetterCount>();
  for (const r of records) {
    const stage = stageOf(r);
    const reason = reasonOf(r);
    const topic = originOf(r);
    const at = refusedAt(r);
    const key = `${stage}\u0000${reason}\u0000${topic}`;
    const row = rows.get(key);
    if (row) {
      row.count += 1;
      row.firstMs = Math.min(row.firstMs, at);
      row.lastMs = Math.max(row.lastMs, at);
    } else rows.set(key, { stage, reason, topic, count: 1, firstMs: at, lastMs: at });
  }
  return [...rows.values()].sort(
    (a, b) =>
      b.count - a.count ||
      a.stage.localeCompare(b.stage) ||
      a.reason.localeCompare(b.reason) ||
      a.topic.localeCompare(b.topic),
  );
}
