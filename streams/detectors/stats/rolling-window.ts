/**
 * A fixed-size window of the last `capacity` values with running sums, as plain JSON (a keyed
 * store can persist it). Sums are kept relative to a `shift` near the data (so a variance of
 * values like 1e9 ± 3 keeps its digits) and recomputed once per lap of the ring, so rounding
 * cannot drift.
 *
 * @example
 *   const w = rollingWindow(60);
 *   rollingPush(w, 3.2);
 *   rollingMean(w); rollingStd(w);
 */
export interface RollingWindow {
  values: number[];
  capacity: number;
  /** Index of the oldest value once full (next slot to overwrite). */
  head: number;
  shift: number;
  /** Sum of (value - shift) and of its square. */
  sum: number;
  sumSq: number;
}

export function rollingWindow(capacity: number): RollingWindow {
  return { values: [], capacity, head: 0, shift: 0, sum: 0, sumSq: 0 };
}

/** Appends a value, evicting the oldest once full. */
export function rollingPush(w: RollingWindow, x: number): void {
  if (w.values.length === 0) w.shift = x;
  if (w.values.length < w.capacity) {
    w.values.push(x);
    const d = x - w.shift;
    w.sum += d;
    w.sumSq += d * d;
    return;
  }
  const old = w.values[w.head] as number;
  w.values[w.head] = x;
  w.head = (w.head + 1) % w.capacity;
  if (w.head === 0) {
    recompute(w);
  } else {
    const dn = x - w.shift;
    const d0 = old - w.shift;
    w.sum += dn - d0;
    w.sumSq += dn * dn - d0 * d0;
  }
}

function recompute(w: RollingWindow): void {
  let mean = 0;
  for (const v of w.values) mean += v;
  mean /= w.values.length;
  w.shift = mean;
  let s = 0;
  let q = 0;
  for (const v of w.values) {
    const d = v - mean;
    s += d;
    q += d * d;
  }
  w.sum = s;
  w.sumSq = q;
}

/** The value `back` steps before the newest (0 = newest); undefined past the oldest. */
export function rollingAt(w: RollingWindow, back: number): number | undefined {
  const n = w.values.length;
  if (back < 0 || back >= n) return undefined;
  const newest = n < w.capacity ? n - 1 : (w.head - 1 + w.capacity) % w.capacity;
  return w.values[(newest - back + w.capacity) % w.capacity];
}

export function rollingMean(w: RollingWindow): number {
  return w.values.length === 0 ? 0 : w.shift + w.sum / w.values.length;
}

/** Population standard deviation (0 for fewer than two values). */
export function rollingStd(w: RollingWindow): number {
  const n = w.values.length;
  if (n < 2) return 0;
  const m = w.sum / n;
  return Math.sqrt(Math.max(0, w.sumSq / n - m * m));
}
