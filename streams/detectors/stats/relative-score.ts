import { type P2Quantile, p2Add, p2Quantile, p2Value } from './p2-quantile.js';

/**
 * Turns a non-negative distance into a raw score in [0, 1) relative to the series' own typical
 * distance: d / (d + k * median of the distances before it). Scale-free, so one setting fits
 * series of any unit; the median is a constant-space P² estimate.
 *
 * @example
 *   const s = relativeScoreState();
 *   relativeScore(s, 3.2, 4); // 0.5 when 3.2 is 4 times the typical distance
 */
export interface RelativeScoreState {
  median: P2Quantile;
}

export function relativeScoreState(): RelativeScoreState {
  return { median: p2Quantile(0.5) };
}

export function relativeScore(s: RelativeScoreState, distance: number, k: number): number {
  const typical = p2Value(s.median);
  p2Add(s.median, distance);
  if (distance === 0) return 0;
  return distance / (distance + k * typical);
}
