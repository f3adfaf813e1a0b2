import { type RelativeScoreState, relativeScore, relativeScoreState } from '../stats/relative-score.js';

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

export interface DailyProfileState {
  mean: number[];
  seen: number[];
  relative: RelativeScoreState;
  expected: number;
}

const DAY_MS = 86_400_000;

export function dailyProfileState(c: DailyProfileConfig): DailyProfileState {
  return {
    mean: new Array<number>(c.bins).fill(0),
    seen: new Array<number>(c.bins).fill(0),
    relative: relativeScoreState(),
    expected: 0,
  };
}

export function dailyProfileUpdate(s: DailyProfileState, ts: number, x: number, c: DailyProfileConfig): number {
  const bin = Math.min(c.bins - 1, Math.floor((((ts % DAY_MS) + DAY_MS) % DAY_MS) / (DAY_MS / c.bins)));
  let error = 0;
  if (s.seen[bin] === 0) {
    s.mean[bin] = x;
    s.seen[bin] = 1;
    s.expected = x;
  } else {
    const mean = s.mean[bin] as number;
    s.expected = mean;
    error = Math.abs(x - mean);
    s.mean[bin] = mean + c.alpha * (x - mean);
  }
  return relativeScore(s.relative, error, c.k);
}
