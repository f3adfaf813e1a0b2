/**
 * A fixed-size window of the last `capacity` values with their sum and sum of squares, as plain
 * JSON (a keyed store can persist it). Sums are recomputed from the values once per lap of the ring
 * so rounding cannot drift.
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
  sum: number;
  sumSq: number;
}

export function rollingWindow(capacity: number): RollingWindow {
  return { values: [], capacity, head: 0, sum: 0, sumSq: 0 };
}

/** Appends a value, evicting the oldest once full. */
export function rollingPush(w: RollingWindow, x: number): void {
  if (w.values.length < w.capacity) {
    w.values.push(x);
    w.sum += x;
    w.sumSq += x * x;
    return;
  }
  const old = w.values[w.head] as number;
  w.values[w.head] = x;
  w.head = (w.head + 1) % w.capacity;
  if (w.head === 0) {
    let s = 0;
    let q = 0;
    for (const v of w.values) {
      s += v;
      q += v * v;
    }
    w.sum = s;
    w.sumSq = q;
  } else {
    w.sum += x - old;
    w.sumSq += x * x - old * old;
  }
}

/** The value `back` steps before the newest (0 = newest); undefined past the oldest. */
export function rollingAt(w: RollingWindow, back: number): number | undefined {
  const n = w.values.length;
  if (back < 0 || back >= n) return undefined;
  const newest = n < w.capacity ? n - 1 : (w.head - 1 + w.capacity) % w.capacity;
  return w.values[(newest - back + w.capacity) % w.capacity];
}

export function rollingMean(w: RollingWindow): number {
  return w.values.length === 0 ? 0 : w.sum / w.values.length;
}

/** Population standard deviation (0 for fewer than two values). */
export function rollingStd(w: RollingWindow): number {
  const n = w.values.length;
  if (n < 2) return 0;
  const mean = w.sum / n;
  return Math.sqrt(Math.max(0, w.sumSq / n - mean * mean));
}
