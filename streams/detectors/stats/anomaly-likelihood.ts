import { normalTail } from './normal-tail.js';

/**
 * Settings of {@link likelihoodUpdate}, after Numenta's anomaly likelihood (Ahmad et al. 2017):
 * a raw score's short moving average (`averageWindow`) is compared with the long-run mean and
 * variance of that average, and its Gaussian tail gives how unusual the recent raw scores are.
 */
export interface LikelihoodConfig {
  /** Raw scores averaged into the value that is judged. */
  averageWindow: number;
  /** Records ignored before the distribution starts learning. */
  learnRecords: number;
  /** Records of distribution learning before any likelihood is reported (0.5 until then). */
  estimateRecords: number;
  /** How often (records) the mean and variance used for the tail are refreshed. */
  reestimateEvery: number;
  /** Memory of the running mean and variance (records; exponential weights after that many). */
  historyRecords: number;
  /** Floors on the mean and variance, so that a near-silent raw score cannot turn a blip red. */
  minMean: number;
  minVariance: number;
  /** Likelihood from which a record is "red"; a red right after a red is lowered to `yellow`. */
  red: number;
  yellow: number;
}

export const DEFAULT_LIKELIHOOD: LikelihoodConfig = {
  averageWindow: 10,
  learnRecords: 150,
  estimateRecords: 150,
  reestimateEvery: 100,
  historyRecords: 3000,
  minMean: 0.03,
  minVariance: 0.0003,
  red: 0.99999,
  yellow: 0.999,
};

/** Plain-JSON state of one likelihood (bounded: `averageWindow` numbers plus a few scalars). */
export interface LikelihoodState {
  recent: number[];
  recentHead: number;
  recentSum: number;
  n: number;
  learned: number;
  runMean: number;
  runVar: number;
  mean: number;
  sd: number;
  ready: boolean;
  prevRed: boolean;
}

export function likelihoodState(): LikelihoodState {
  return {
    recent: [],
    recentHead: 0,
    recentSum: 0,
    n: 0,
    learned: 0,
    runMean: 0,
    runVar: 0,
    mean: 0,
    sd: 1,
    ready: false,
    prevRed: false,
  };
}

/**
 * Folds one raw score (in [0, 1]) in and returns the likelihood in [0, 1] that the recent raw
 * scores are unusually high (0.5 while learning). Only the first red record of a run stays red.
 *
 * @example
 *   const s = likelihoodState();
 *   const l = likelihoodUpdate(s, raw, DEFAULT_LIKELIHOOD);
 *   logLikelihoodScore(l); // 0.5 at l = 0.99999
 */
export function likelihoodUpdate(s: LikelihoodState, raw: number, c: LikelihoodConfig): number {
  s.n++;
  if (s.recent.length < c.averageWindow) {
    s.recent.push(raw);
    s.recentSum += raw;
  } else {
    s.recentSum += raw - (s.recent[s.recentHead] as number);
    s.recent[s.recentHead] = raw;
    s.recentHead = (s.recentHead + 1) % c.averageWindow;
    if (s.recentHead === 0) {
      // Once per lap, drop the rounding the running sum has gathered.
      s.recentSum = 0;
      for (const r of s.recent) s.recentSum += r;
    }
  }
  const average = s.recentSum / s.recent.length;
  if (s.n > c.learnRecords) {
    s.learned++;
    const a = 1 / Math.min(s.learned, c.historyRecords);
    const d = average - s.runMean;
    s.runMean += a * d;
    s.runVar = (1 - a) * (s.runVar + a * d * d);
  }
  if (s.n < c.learnRecords + c.estimateRecords) return 0.5;
  if (!s.ready || s.n % c.reestimateEvery === 0) {
    s.mean = Math.max(s.runMean, c.minMean);
    s.sd = Math.sqrt(Math.max(s.runVar, c.minVariance));
    s.ready = true;
  }
  let tail = normalTail((average - s.mean) / s.sd);
  const red = tail <= 1 - c.red;
  if (red && s.prevRed) tail = 1 - c.yellow;
  s.prevRed = red;
  return 1 - tail;
}

/**
 * Numenta's log scale for a likelihood: log(1 - l) / log(1e-10), so 0.999 -> 0.3, 0.99999 -> 0.5,
 * 1 - 1e-10 -> 1. Spreads the interesting top of the likelihood over [0, 1].
 */
export function logLikelihoodScore(likelihood: number): number {
  return Math.min(1, Math.max(0, Math.log(1.0000000001 - likelihood) / Math.log(1e-10)));
}
