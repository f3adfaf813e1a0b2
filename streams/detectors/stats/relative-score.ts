import { P2_SLOTS, p2PackedAdd, p2PackedInit, p2PackedValue } from './p2-quantile.js';

/**
 * Turns a non-negative distance into a raw score in [0, 1) relative to the series' own typical
 * distance: d / (d + k * median of the distances before it). Scale-free, so one setting fits
 * series of any unit; the median is a constant-space P² estimate, {@link RELATIVE_SLOTS} numbers of
 * a packed state.
 *
 * @example
 *   const f = new Float64Array(RELATIVE_SLOTS);
 *   relativeInit(f, 0);
 *   relativeScore(f, 0, 3.2, 4); // 0.5 when 3.2 is 4 times the typical distance
 */
export const RELATIVE_SLOTS = P2_SLOTS;

export function relativeInit(f: Float64Array, o: number): void {
  p2PackedInit(f, o, 0.5);
}

export function relativeScore(f: Float64Array, o: number, distance: number, k: number): number {
  const typical = p2PackedValue(f, o, 0.5);
  p2PackedAdd(f, o, 0.5, distance);
  if (distance === 0) return 0;
  return distance / (distance + k * typical);
}
