import { MAX_TP, scaledSigmoid } from './scaled-sigmoid.js';

/** A labelled anomaly window in epoch ms, both ends inclusive. */
export interface Window {
  start: number;
  end: number;
}

/**
 * What NAB's scoring knows about each row of one file, before any profile weights.
 * `window[i]` is the index of the window row i lies in, or -1 outside every window.
 * `value[i]` is, inside a window, the true-positive worth of a first detection there (1 at the left
 * edge, falling to about 0 at the right edge); outside, the unweighted false-positive worth
 * (about 0 just past a window, -1 far from it or before the first window).
 * `scorable[i]` is 0 for rows in the probationary period.
 *
 * @example
 *   const labels = labelRows(timestamps, [{ start, end }]);
 *   labels.window[i] === 0 // row i is inside the first window
 */
export interface RowLabels {
  window: Int32Array;
  value: Float64Array;
  scorable: Uint8Array;
  /** Windows in the file. */
  windowCount: number;
  /** Windows with at least one scorable row (a never-firing detector pays fnWeight for each). */
  scorableWindowCount: number;
}

/** NAB's probationary period: min(floor(p * rows), p * 5000) rows are ignored at the start. */
export function probationLength(rows: number, probationPercent = 0.15): number {
  return Math.min(Math.floor(probationPercent * rows), probationPercent * 5000);
}

/**
 * Labels the rows of one file (timestamps ascending) against its windows, as NAB's sweeper does:
 * position in window -(right - i + 1) / width, distance past the previous window
 * |i - right| / (width - 1).
 */
export function labelRows(
  timestamps: ArrayLike<number>,
  windows: readonly Window[],
  probationPercent = 0.15,
): RowLabels {
  const n = timestamps.length;
  const window = new Int32Array(n).fill(-1);
  const value = new Float64Array(n);
  const scorable = new Uint8Array(n);
  const probation = probationLength(n, probationPercent);
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  const scorableWindows = new Set<number>();

  let next = 0;
  let inWindow = -1;
  let left = 0;
  let right = -1;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const ts = timestamps[i] as number;
    // Skip windows that lie wholly between two rows (no row falls inside them).
    while (inWindow < 0 && sorted[next] !== undefined && (sorted[next] as Window).end < ts) next++;
    const candidate = sorted[next];
    if (inWindow < 0 && candidate !== undefined && ts >= candidate.start && ts <= candidate.end) {
      inWindow = next;
      left = i;
      right = i;
      while (right + 1 < n && (timestamps[right + 1] as number) <= candidate.end) right++;
      next++;
    }
    if (inWindow >= 0) {
      const width = right - left + 1;
      window[i] = inWindow;
      value[i] = scaledSigmoid(-(right - i + 1) / width) / MAX_TP;
    } else if (prevRight < 0) {
      value[i] = -1;
    } else {
      value[i] = scaledSigmoid(prevWidth > 1 ? Math.abs(prevRight - i) / (prevWidth - 1) : Number.POSITIVE_INFINITY);
    }
    if (i >= probation) {
      scorable[i] = 1;
      if (inWindow >= 0) scorableWindows.add(inWindow);
    }
    if (inWindow >= 0 && i === right) {
      prevRight = right;
      prevWidth = right - left + 1;
      inWindow = -1;
    }
  }
  return { window, value, scorable, windowCount: sorted.length, scorableWindowCount: scorableWindows.size };
}
