/**
 * The reference the window results are held to (pure, shares no code with the topology): plain
 * reduces (count, min, max, sum, mean per field) of the readings of each device and window, each
 * reading weighted by how many times it should count.
 */
export interface RefInput {
  deviceId: string;
  ts: number;
  values: Readonly<Record<string, number>>;
  /** Times it counts (1 for "exactly once"; the copies in Kafka for what the pipeline was given). */
  weight: number;
}

export interface FieldReduce {
  count: number;
  min: number;
  max: number;
  sum: number;
  mean: number;
}

export interface RefWindowResult {
  deviceId: string;
  windowStart: number;
  windowEnd: number;
  count: number;
  fields: Record<string, FieldReduce>;
}

/** `deviceId@windowStart`. */
export const windowKey = (deviceId: string, windowStart: number) => `${deviceId}@${windowStart}`;

/** Tumbling windows of `sizeMs` aligned to the epoch: one result per device and window with any weight. */
export function referenceWindows(readings: Iterable<RefInput>, sizeMs: number): Map<string, RefWindowResult> {
  const out = new Map<string, RefWindowResult>();
  for (const r of readings) {
    if (r.weight <= 0) continue;
    const start = Math.floor(r.ts / sizeMs) * sizeMs;
    const key = windowKey(r.deviceId, start);
    let w = out.get(key);
    if (!w) {
      w = { deviceId: r.deviceId, windowStart: start, windowEnd: start + sizeMs, count: 0, fields: {} };
      out.set(key, w);
    }
    w.count += r.weight;
    for (const [name, v] of Object.entries(r.values)) {
      const f = w.fields[name] ?? { count: 0, min: v, max: v, sum: 0, mean: 0 };
      w.fields[name] = f;
      f.count += r.weight;
      f.min = Math.min(f.min, v);
      f.max = Math.max(f.max, v);
      f.sum += v * r.weight;
      f.mean = f.sum / f.count;
    }
  }
  return out;
}

/** A window result as the pipeline wrote it (the fields it is checked on). */
export interface GotWindowResult {
  count: number;
  fields: Record<string, FieldReduce>;
}

/** The differences between a result and its reference, as text ('' when equal within `relTol`). */
export function compareWindow(got: GotWindowResult, want: RefWindowResult, relTol = 1e-9): string {
  const diffs: string[] = [];
  if (got.count !== want.count) diffs.push(`count ${got.count} != ${want.count}`);
  const names = new Set([...Object.keys(got.fields), ...Object.keys(want.fields)]);
  for (const name of names) {
    const g = got.fields[name];
    const w = want.fields[name];
    if (!g || !w) {
      diffs.push(`${name}: ${g ? 'not expected' : 'missing'}`);
      continue;
    }
    for (const stat of ['count', 'min', 'max', 'sum', 'mean'] as const) {
      const a = g[stat];
      const b = w[stat];
      if (Math.abs(a - b) > relTol * Math.max(1, Math.abs(a), Math.abs(b))) diffs.push(`${name}.${stat} ${a} != ${b}`);
    }
  }
  return diffs.join(', ');
}
