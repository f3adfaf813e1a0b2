/**
 * Range novelty: a value beyond everything the series has shown so far, by more than a tolerance
 * of that range (after Numenta's "spatial anomaly"). Score 0 inside, rising from `base` with the
 * excess (in ranges) beyond it, capped at 1. {@link RANGE_SLOTS} numbers of a packed state.
 *
 * The tolerance is `tolerance x (1 + expansionWeight x E)`, E the decayed count of records that
 * widened the range: a series that keeps pushing its range (a drift, a growth) has to go further
 * to be news, one whose range has long been still needs only `tolerance`.
 */
export interface RangeNoveltyConfig {
  tolerance: number;
  base: number;
  learnRecords: number;
  /** Extra tolerance per recent range expansion (0 = a fixed tolerance). */
  expansionWeight: number;
  /** Decay per record of the expansion count (memory about 1 / (1 - decay) records). */
  expansionDecay: number;
}

export const DEFAULT_RANGE_NOVELTY: RangeNoveltyConfig = {
  tolerance: 0.03,
  base: 0.5,
  learnRecords: 300,
  expansionWeight: 0.5,
  expansionDecay: 0.999,
};

// Float64 layout: records seen, the learned range (meaningful once n > 0), the decayed count of
// records that widened it.
const N = 0;
const MIN = 1;
const MAX = 2;
const EXPANSIONS = 3;

export const RANGE_SLOTS = 4;

export function rangeNoveltyInit(f: Float64Array, o: number): void {
  f.fill(0, o, o + RANGE_SLOTS);
}

/** The smallest value seen so far (0 before the first). */
export function rangeNoveltyMin(f: Float64Array, o: number): number {
  return f[o + MIN] as number;
}

/** The largest value seen so far (0 before the first). */
export function rangeNoveltyMax(f: Float64Array, o: number): number {
  return f[o + MAX] as number;
}

/** Scores x against the range seen before it, then widens the range. */
export function rangeNoveltyUpdate(f: Float64Array, o: number, x: number, c: RangeNoveltyConfig): number {
  const n = (f[o + N] as number) + 1;
  f[o + N] = n;
  if (n === 1) {
    f[o + MIN] = x;
    f[o + MAX] = x;
    return 0;
  }
  const min = f[o + MIN] as number;
  const max = f[o + MAX] as number;
  let score = 0;
  if (n > c.learnRecords && max > min) {
    const range = max - min;
    const excess = x > max ? (x - max) / range : x < min ? (min - x) / range : 0;
    if (excess > c.tolerance * (1 + c.expansionWeight * (f[o + EXPANSIONS] as number))) {
      score = Math.min(1, c.base + excess);
    }
  }
  f[o + EXPANSIONS] = (f[o + EXPANSIONS] as number) * c.expansionDecay + (x > max || x < min ? 1 : 0);
  if (x < min) f[o + MIN] = x;
  if (x > max) f[o + MAX] = x;
  return score;
}
