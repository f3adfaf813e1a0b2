import { addValue, type Stats, type StatsResult } from './stats-topology.js';

/** One input reading as the tests produce it. */
export interface ReferenceInput {
  partition: number;
  key: string;
  value: number;
  timestamp: number;
}

export interface StatsReference {
  /** `<key>@<windowStart>` -> the final result the topology must emit. */
  results: Map<string, StatsResult>;
  /** Inputs that were later than grace (they must appear on the late-records topic). */
  late: ReferenceInput[];
}

/**
 * The stats topology's expected output, computed offline from the input: per partition in offset
 * order, stream time = max timestamp; a record is late if its window closed (end + grace <= stream
 * time); a window is final once stream time reaches end + grace. Windows still open at the end are
 * not expected.
 */
export function statsReference(inputs: readonly ReferenceInput[], windowMs: number, graceMs: number): StatsReference {
  const results = new Map<string, StatsResult>();
  const late: ReferenceInput[] = [];
  const byPartition = new Map<number, ReferenceInput[]>();
  for (const r of inputs) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);
  for (const records of byPartition.values()) {
    let streamTime = Number.NEGATIVE_INFINITY;
    const open = new Map<string, { key: string; start: number; stats: Stats }>();
    for (const r of records) {
      streamTime = Math.max(streamTime, r.timestamp);
      const start = r.timestamp - (r.timestamp % windowMs);
      if (start + windowMs + graceMs <= streamTime) {
        late.push(r);
        continue;
      }
      const id = `${r.key}@${start}`;
      const w = open.get(id);
      open.set(id, { key: r.key, start, stats: addValue(w?.stats, r.value) });
    }
    for (const [id, w] of open) {
      if (w.start + windowMs + graceMs > streamTime) continue;
      const s = w.stats;
      results.set(id, {
        deviceId: w.key,
        windowStart: w.start,
        windowEnd: w.start + windowMs,
        count: s.count,
        min: s.min,
        max: s.max,
        mean: s.sum / s.count,
      });
    }
  }
  return { results, late };
}
