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
  /** Record (modulo `reestimateEvery`) of each refresh; the benchmark varies it to measure how much a score hangs on the schedule. */
  reestimatePhase: number;
  /** Memory of the running mean and variance (records; exponential weights after that many). */
  historyRecords: number;
  /** Floors on the mean and variance, so that a near-silent raw score cannot turn a blip red. */
  minMean: number;
  minVariance: number;
  /** Likelihood from which a record is "red"; a red right after a red is lowered to `yellow`. */
  red: number;
  yellow: number;
  /** A red run ends only when the likelihood falls below `yellow` (else at the first record below red). */
  rearmBelowYellow: boolean;
}

export const DEFAULT_LIKELIHOOD: LikelihoodConfig = {
  averageWindow: 10,
  learnRecords: 150,
  estimateRecords: 150,
  reestimateEvery: 100,
  reestimatePhase: 0,
  historyRecords: 3000,
  minMean: 0.03,
  minVariance: 0.0003,
  red: 0.99999,
  yellow: 0.999,
  rearmBelowYellow: true,
};

// Packed layout: scalars, then the ring of the last `averageWindow` raw scores.
const N = 0;
const LEARNED = 1;
const RUN_MEAN = 2;
const RUN_VAR = 3;
const MEAN = 4;
const SD = 5;
const READY = 6;
const IN_RUN = 7;
const HEAD = 8;
const SUM = 9;
const FILLED = 10;
const RECENT = 11;

/** Numbers one likelihood takes in a packed state: 11 scalars and the `averageWindow` recent raw scores. */
export function likelihoodSlots(c: Pick<LikelihoodConfig, 'averageWindow'>): number {
  return RECENT + c.averageWindow;
}

/** Starts a likelihood at `f[o]`. */
export function likelihoodInit(f: Float64Array, o: number, c: Pick<LikelihoodConfig, 'averageWindow'>): void {
  f.fill(0, o, o + likelihoodSlots(c));
  f[o + SD] = 1;
}

/**
 * Folds one raw score (in [0, 1]) into the likelihood at `f[o]` and returns the likelihood in
 * [0, 1] that the recent raw scores are unusually high (0.5 while learning). Only the first red
 * record of a run stays red; the others are lowered to `yellow`.
 *
 * @example
 *   const f = new Float64Array(likelihoodSlots(DEFAULT_LIKELIHOOD));
 *   likelihoodInit(f, 0, DEFAULT_LIKELIHOOD);
 *   const l = likelihoodUpdate(f, 0, raw, DEFAULT_LIKELIHOOD);
 *   logLikelihoodScore(l); // 0.5 at l = 0.99999
 */
export function likelihoodUpdate(f: Float64Array, o: number, raw: number, c: LikelihoodConfig): number {
  const n = (f[o + N] as number) + 1;
  f[o + N] = n;
  const w = c.averageWindow;
  const filled = f[o + FILLED] as number;
  let sum: number;
  if (filled < w) {
    f[o + RECENT + filled] = raw;
    f[o + FILLED] = filled + 1;
    sum = (f[o + SUM] as number) + raw;
  } else {
    const head = f[o + HEAD] as number;
    sum = (f[o + SUM] as number) + raw - (f[o + RECENT + head] as number);
    f[o + RECENT + head] = raw;
    const next = (head + 1) % w;
    f[o + HEAD] = next;
    if (next === 0) {
      // Once per lap, drop the rounding the running sum has gathered.
      sum = 0;
      for (let i = 0; i < w; i++) sum += f[o + RECENT + i] as number;
    }
  }
  f[o + SUM] = sum;
  const average = sum / (f[o + FILLED] as number);
  if (n > c.learnRecords) {
    const learned = (f[o + LEARNED] as number) + 1;
    f[o + LEARNED] = learned;
    const a = 1 / Math.min(learned, c.historyRecords);
    const runMean = f[o + RUN_MEAN] as number;
    const d = average - runMean;
    f[o + RUN_MEAN] = runMean + a * d;
    f[o + RUN_VAR] = (1 - a) * ((f[o + RUN_VAR] as number) + a * d * d);
  }
  if (n < c.learnRecords + c.estimateRecords) return 0.5;
  if (f[o + READY] === 0 || n % c.reestimateEvery === c.reestimatePhase % c.reestimateEvery) {
    f[o + MEAN] = Math.max(f[o + RUN_MEAN] as number, c.minMean);
    f[o + SD] = Math.sqrt(Math.max(f[o + RUN_VAR] as number, c.minVariance));
    f[o + READY] = 1;
  }
  let tail = normalTail((average - (f[o + MEAN] as number)) / (f[o + SD] as number));
  const red = tail <= 1 - c.red;
  // IN_RUN: a red run is going on; it ends when a record is no longer red, or, with `rearmBelowYellow`,
  // only when the likelihood falls below yellow (an average hovering at the red line is one run).
  const inRun = f[o + IN_RUN] === 1;
  if (red && inRun) tail = 1 - c.yellow;
  if (red) f[o + IN_RUN] = 1;
  else if (!c.rearmBelowYellow || tail > 1 - c.yellow) f[o + IN_RUN] = 0;
  return 1 - tail;
}

/**
 * Numenta's log scale for a likelihood: log(1 - l) / log(1e-10), so 0.999 -> 0.3, 0.99999 -> 0.5,
 * 1 - 1e-10 -> 1. Spreads the interesting top of the likelihood over [0, 1].
 */
export function logLikelihoodScore(likelihood: number): number {
  return Math.min(1, Math.max(0, Math.log(1.0000000001 - likelihood) / Math.log(1e-10)));
}
