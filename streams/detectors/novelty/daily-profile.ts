import { RELATIVE_SLOTS, relativeInit, relativeScore } from '../stats/relative-score.js';

/**
 * Daily profile: an exponentially weighted mean per time-of-day bin (UTC, from the record's event
 * time); the raw score is the distance of a value from its bin's mean relative to the typical
 * distance. A normal day that goes wrong at an hour when it never does stands out.
 */
export interface DailyProfileConfig {
  bins: number;
  /** Weight of a new value in its bin's mean. */
  alpha: number;
  k: number;
}

// Float64 layout: the expected value of the last record, a mean per bin (NaN until the bin's first
// value), the relative score.
const EXPECTED = 0;
const MEANS = 1;

/** Numbers the profile takes in a packed state. */
export function dailyProfileSlots(c: Pick<DailyProfileConfig, 'bins'>): number {
  return MEANS + c.bins + RELATIVE_SLOTS;
}

export function dailyProfileInit(f: Float64Array, o: number, c: Pick<DailyProfileConfig, 'bins'>): void {
  f[o + EXPECTED] = 0;
  f.fill(Number.NaN, o + MEANS, o + MEANS + c.bins);
  relativeInit(f, o + MEANS + c.bins);
}

/** The bin mean the last record was compared with (its own value for a bin's first record). */
export function dailyProfileExpected(f: Float64Array, o: number): number {
  return f[o + EXPECTED] as number;
}

const DAY_MS = 86_400_000;

const binOf = (ts: number, bins: number) =>
  Math.min(bins - 1, Math.floor((((ts % DAY_MS) + DAY_MS) % DAY_MS) / (DAY_MS / bins)));

/** The mean of the time-of-day bin of `ts` (NaN before the bin's first value). */
export function dailyProfileMean(f: Float64Array, o: number, ts: number, c: Pick<DailyProfileConfig, 'bins'>): number {
  return f[o + MEANS + binOf(ts, c.bins)] as number;
}

export function dailyProfileUpdate(f: Float64Array, o: number, ts: number, x: number, c: DailyProfileConfig): number {
  const at = o + MEANS + binOf(ts, c.bins);
  const mean = f[at] as number;
  let error = 0;
  if (Number.isNaN(mean)) {
    f[at] = x;
    f[o + EXPECTED] = x;
  } else {
    f[o + EXPECTED] = mean;
    error = Math.abs(x - mean);
    f[at] = mean + c.alpha * (x - mean);
  }
  return relativeScore(f, o + MEANS + c.bins, error, c.k);
}
