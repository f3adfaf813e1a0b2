/**
 * Range novelty: a value beyond everything the series has shown so far, by more than `tolerance`
 * of that range (after Numenta's "spatial anomaly"). Score 0 inside, rising from `base` with the
 * excess (in ranges) beyond it, capped at 1.
 */
export interface RangeNoveltyConfig {
  tolerance: number;
  base: number;
  learnRecords: number;
}

export const DEFAULT_RANGE_NOVELTY: RangeNoveltyConfig = { tolerance: 0.02, base: 0.5, learnRecords: 300 };

export interface RangeNoveltyState {
  n: number;
  /** Learned range; null before the first value. */
  min: number | null;
  max: number | null;
}

export function rangeNoveltyState(): RangeNoveltyState {
  return { n: 0, min: null, max: null };
}

/** Scores x against the range seen before it, then widens the range. */
export function rangeNoveltyUpdate(s: RangeNoveltyState, x: number, c: RangeNoveltyConfig): number {
  s.n++;
  let score = 0;
  if (s.min !== null && s.max !== null && s.n > c.learnRecords && s.max > s.min) {
    const range = s.max - s.min;
    const excess = x > s.max ? (x - s.max) / range : x < s.min ? (s.min - x) / range : 0;
    if (excess > c.tolerance) score = Math.min(1, c.base + excess);
  }
  if (s.min === null || x < s.min) s.min = x;
  if (s.max === null || x > s.max) s.max = x;
  return score;
}
