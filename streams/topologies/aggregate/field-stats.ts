import type { ByteReader, ByteWriter } from '../shared/byte-codec.js';
import {
  newSketch,
  type QuantileSketch,
  readSketch,
  sketchAdd,
  sketchMerge,
  sketchQuantile,
  writeSketch,
} from './quantile-sketch.js';

/**
 * The running statistics of one numeric field over one window: count, min, max, a compensated sum
 * (Neumaier), Welford's running mean and sum of squared deviations (M2, numerically stable), the
 * first and last values by event time, and an optional quantile sketch. Mergeable: merging the
 * accumulators of two disjoint parts gives the accumulator of the whole (Chan et al.'s parallel
 * variance; first/last by event time; sketch counts added).
 *
 * @example
 *   const a = newFieldAccumulator(true);
 *   addValue(a, 20, 1_000); addValue(a, 22, 2_000);
 *   fieldStats(a); // { count: 2, min: 20, max: 22, mean: 21, sum: 42, stddev: 1, first: 20, last: 22, ... }
 */
export interface FieldAccumulator {
  count: number;
  min: number;
  max: number;
  sum: number;
  /** Neumaier compensation: the rounding error `sum` has lost so far. */
  compensation: number;
  mean: number;
  m2: number;
  first: number;
  firstTs: number;
  last: number;
  lastTs: number;
  sketch: QuantileSketch | undefined;
}

/** A field's final statistics: the FieldStats record of schemas/window-result.avsc. */
export interface FieldStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  sum: number;
  stddev: number;
  first: number;
  last: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export function newFieldAccumulator(withSketch: boolean): FieldAccumulator {
  return {
    count: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    sum: 0,
    compensation: 0,
    mean: 0,
    m2: 0,
    first: Number.NaN,
    firstTs: Number.POSITIVE_INFINITY,
    last: Number.NaN,
    lastTs: Number.NEGATIVE_INFINITY,
    sketch: withSketch ? newSketch() : undefined,
  };
}

function neumaierAdd(a: FieldAccumulator, x: number): void {
  const t = a.sum + x;
  a.compensation += Math.abs(a.sum) >= Math.abs(x) ? a.sum - t + x : x - t + a.sum;
  a.sum = t;
}

/** Folds one value with its event time in. Ties on event time: first keeps the earlier-received, last the later. */
export function addValue(a: FieldAccumulator, x: number, ts: number): void {
  a.count++;
  if (x < a.min) a.min = x;
  if (x > a.max) a.max = x;
  neumaierAdd(a, x);
  const delta = x - a.mean;
  a.mean += delta / a.count;
  a.m2 += delta * (x - a.mean);
  if (ts < a.firstTs) {
    a.first = x;
    a.firstTs = ts;
  }
  if (ts >= a.lastTs) {
    a.last = x;
    a.lastTs = ts;
  }
  if (a.sketch) sketchAdd(a.sketch, x);
}

/**
 * Merges `b` into `a` (b's values counted as received after a's, for event-time ties). A sketch
 * survives only if both sides have one.
 */
export function mergeInto(a: FieldAccumulator, b: FieldAccumulator): void {
  if (b.count === 0) return;
  if (a.count === 0) {
    Object.assign(a, { ...b, sketch: a.sketch && b.sketch ? cloneSketch(b.sketch) : undefined });
    return;
  }
  const n = a.count + b.count;
  const delta = b.mean - a.mean;
  a.m2 = a.m2 + b.m2 + ((delta * delta * a.count) / n) * b.count;
  a.mean = a.mean + (delta * b.count) / n;
  a.count = n;
  a.min = Math.min(a.min, b.min);
  a.max = Math.max(a.max, b.max);
  neumaierAdd(a, b.sum);
  a.compensation += b.compensation;
  if (b.firstTs < a.firstTs) {
    a.first = b.first;
    a.firstTs = b.firstTs;
  }
  if (b.lastTs >= a.lastTs) {
    a.last = b.last;
    a.lastTs = b.lastTs;
  }
  if (a.sketch && b.sketch) sketchMerge(a.sketch, b.sketch);
  else a.sketch = undefined;
}

function cloneSketch(s: QuantileSketch): QuantileSketch {
  return { zero: s.zero, pos: new Map(s.pos), neg: new Map(s.neg) };
}

function quantile(a: FieldAccumulator, q: number): number | null {
  if (!a.sketch) return null;
  const v = sketchQuantile(a.sketch, q);
  // The true quantile lies in [min, max], so clamping can only bring the estimate closer.
  return v === null ? null : Math.min(a.max, Math.max(a.min, v));
}

/** The FieldStats of a non-empty accumulator: mean = compensated sum / count, stddev = population √(M2/n). */
export function fieldStats(a: FieldAccumulator): FieldStats {
  const sum = a.sum + a.compensation;
  return {
    count: a.count,
    min: a.min,
    max: a.max,
    mean: sum / a.count,
    sum,
    stddev: a.count > 1 ? Math.sqrt(Math.max(0, a.m2) / a.count) : 0,
    first: a.first,
    last: a.last,
    p50: quantile(a, 0.5),
    p95: quantile(a, 0.95),
    p99: quantile(a, 0.99),
  };
}

/** 10 float64 + varint count + the sketch (flag byte first). */
export function writeFieldAccumulator(w: ByteWriter, a: FieldAccumulator): void {
  w.uvarint(a.count);
  for (const v of [a.min, a.max, a.sum, a.compensation, a.mean, a.m2, a.first, a.firstTs, a.last, a.lastTs]) w.f64(v);
  w.u8(a.sketch ? 1 : 0);
  if (a.sketch) writeSketch(w, a.sketch);
}

export function readFieldAccumulator(r: ByteReader): FieldAccumulator {
  const count = r.uvarint();
  const [min, max, sum, compensation, mean, m2, first, firstTs, last, lastTs] = Array.from({ length: 10 }, () =>
    r.f64(),
  ) as [number, number, number, number, number, number, number, number, number, number];
  const sketch = r.u8() === 1 ? readSketch(r) : undefined;
  return { count, min, max, sum, compensation, mean, m2, first, firstTs, last, lastTs, sketch };
}
