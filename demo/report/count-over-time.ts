import type { TruthRecord } from '../../sim/ground-truth.js';
import type { Alarm } from '../../sim/score-alarms.js';

/**
 * Alarms and injected anomalies per bucket of event time, for the report's timeline.
 *
 * @example
 *   { "bucketMs": 3600000, "starts": [1732284000000, 1732287600000], "alarms": [0, 3], "injected": [0, 2] }
 */
export interface CountOverTime {
  bucketMs: number;
  /** Start of each bucket, epoch ms: multiples of bucketMs (UTC), the first one at or before the span's start. */
  starts: number[];
  /** Alarms whose event time falls in the bucket. */
  alarms: number[];
  /** Injected anomalies (MALFORMED excepted: never scored) whose startTs falls in the bucket. */
  injected: number[];
}

const STEPS_MS = [60_000, 300_000, 900_000, 3_600_000, 6 * 3_600_000, 86_400_000];

/** The bucket for a span: the smallest of 1 min, 5 min, 15 min, 1 h, 6 h, 1 d giving at most `most` buckets. */
export function bucketFor(spanMs: number, most = 72): number {
  return STEPS_MS.find((step) => Math.ceil(spanMs / step) <= most) ?? (STEPS_MS.at(-1) as number);
}

/**
 * Counts per bucket over `span` (one hour per bucket for a day's run); alarms and anomalies outside
 * the span are left out.
 */
export function countOverTime(
  alarms: readonly Pick<Alarm, 'ts'>[],
  truth: readonly Pick<TruthRecord, 'kind' | 'startTs'>[],
  span: { startTs: number; endTs: number },
  bucketMs = bucketFor(span.endTs - span.startTs),
): CountOverTime {
  const first = Math.floor(span.startTs / bucketMs) * bucketMs;
  const n = Math.max(1, Math.floor((span.endTs - first) / bucketMs) + 1);
  const out: CountOverTime = {
    bucketMs,
    starts: Array.from({ length: n }, (_, i) => first + i * bucketMs),
    alarms: new Array<number>(n).fill(0),
    injected: new Array<number>(n).fill(0),
  };
  const add = (counts: number[], ts: number) => {
    if (ts < span.startTs || ts > span.endTs) return;
    const i = Math.floor((ts - first) / bucketMs);
    counts[i] = (counts[i] ?? 0) + 1;
  };
  for (const a of alarms) add(out.alarms, a.ts);
  for (const t of truth) if (t.kind !== 'MALFORMED') add(out.injected, t.startTs);
  return out;
}
