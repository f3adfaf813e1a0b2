import { normalTail } from '../stats/normal-tail.js';

/**
 * Jump channel: how surprising one record is next to a robust local forecast, judged against the
 * tail of the series' own forecast errors. Catches what a single record shows and an average over
 * several records dilutes: a spike or a dip, the first record of a level shift, the snap back of a
 * drift. Streaming, O(1) per record, {@link JUMP_SLOTS} numbers of a packed state.
 *
 * - Forecast: Holt's linear trend (level and slope, error-correction form) with clipped updates: an
 *   error beyond `clip` typical errors moves the forecast by the clipped amount only (one wild record
 *   does not drag it), unless `adopt` such errors in a row point the same way (a new level: adopted).
 * - Typical error s: exponentially weighted mean of the clipped absolute errors.
 * - Tail (peaks over threshold, after Siffer et al., "Anomaly detection in streams with extreme value
 *   theory", KDD 2017): the rate phi of errors beyond `u` typical errors and their mean excess beta
 *   (exponential tail), so P(|error| / s > z) = phi exp(-(z - u) / beta) for z > u. Records whose
 *   tail is at the red level do not teach the tail (an anomaly is not the series' normal).
 *
 * The likelihood returned is 1 - P; only the first red record of a run stays red (a run ends when the
 * tail rises above 1 - yellow), like the novelty channels' likelihoods.
 */
export interface JumpConfig {
  /** Level and slope smoothing of the forecast (Holt's alpha and beta). */
  alpha: number;
  beta: number;
  /** Errors beyond this many typical errors update the forecast clipped. */
  clip: number;
  /** This many clipped errors in a row of one sign: the forecast adopts the new level. */
  adopt: number;
  /** Tail threshold, in typical errors. */
  u: number;
  /** Memory (records) of the typical error and of the exceedance rate; (exceedances) of the mean excess. */
  scaleMemory: number;
  rateMemory: number;
  excessMemory: number;
  /** Records before the channel reports anything (the forecast and the tail settle). */
  learnRecords: number;
}

export const DEFAULT_JUMP: JumpConfig = {
  alpha: 0.3,
  beta: 0.1,
  clip: 3,
  adopt: 3,
  u: 3,
  scaleMemory: 200,
  rateMemory: 2000,
  excessMemory: 100,
  learnRecords: 100,
};

// Packed layout.
const N = 0;
const LEVEL = 1;
const SLOPE = 2;
const SCALE = 3;
const RATE = 4;
const EXCESS = 5;
const EXCEEDANCES = 6;
const RUN = 7;
const IN_RUN = 8;
const FORECAST = 9;
const FRESH = 10;
const PREV = 11;
const MOVES = 12;
const TAUGHT = 13;
const SEASONAL = 14;
const VOL = 15;
const VOL_MEAN = 16;
const VOL_VAR = 17;
const VOL_IN_RUN = 18;

export const JUMP_SLOTS = 19;

/** Volatility: an exponentially weighted mean of the errors (in typical errors, each capped), its weight, cap and memory. */
const VOL_ALPHA = 0.2;
const VOL_CAP = 8;
const VOL_MEMORY = 500;
const VOL_MIN_SD = 0.5;
/** The volatility's spread is widened by this factor (its distribution is skewed: a normal tail on the raw spread is too eager). */
const VOL_K = 1.3;

/** Prior of the tail before the series has shown its own: a rate of 2% and a mean excess of 1 typical error (heavier than Gaussian). */
const PRIOR_RATE = 0.02;
const PRIOR_EXCESS = 1;
const PRIOR_WEIGHT = 10;
/** A red record teaches the mean excess as this many ordinary exceedances (jumps that keep coming become normal fast). */
const RED_WEIGHT = 5;

export function jumpInit(f: Float64Array, o: number): void {
  f.fill(0, o, o + JUMP_SLOTS);
  f[o + RATE] = PRIOR_RATE;
  f[o + EXCESS] = PRIOR_EXCESS;
}

/** The forecast the last record was judged against. */
export function jumpForecast(f: Float64Array, o: number): number {
  return f[o + FORECAST] as number;
}

/** The typical absolute forecast error (the band of a jump anomaly). */
export function jumpScale(f: Float64Array, o: number): number {
  return f[o + SCALE] as number;
}

/** Starts the forecast over at x (after a gap: the records before it do not forecast this one); the tail is kept. */
export function jumpRestart(f: Float64Array, o: number): void {
  f[o + FRESH] = 1;
  f[o + RUN] = 0;
  f[o + IN_RUN] = 0;
}

/**
 * Folds one value in and returns the likelihood in [0, 1] that it is a jump (0.5 while learning).
 * `red` and `yellow` are the likelihood levels of the novelty channels.
 */
export function jumpUpdate(
  f: Float64Array,
  o: number,
  x: number,
  c: JumpConfig,
  red: number,
  yellow: number,
  seasonal = Number.NaN,
): number {
  const n = (f[o + N] as number) + 1;
  f[o + N] = n;
  if (n <= 1 || f[o + FRESH] === 1) {
    // First record (or the first after a restart): the level, no slope yet.
    f[o + LEVEL] = x;
    f[o + SLOPE] = 0;
    f[o + FORECAST] = x;
    f[o + FRESH] = 0;
    f[o + PREV] = x;
    f[o + SEASONAL] = seasonal;
    return n <= c.learnRecords ? 0.5 : 0;
  }
  const level = f[o + LEVEL] as number;
  const slope = f[o + SLOPE] as number;
  const forecast = level + slope;
  f[o + FORECAST] = forecast;
  const e = x - forecast;
  const scale = f[o + SCALE] as number;
  const limit = c.clip * scale;
  const wild = scale > 0 && Math.abs(e) > limit;
  // Consecutive wild errors of one sign (signed count).
  let run = f[o + RUN] as number;
  run = wild ? (e > 0 ? Math.max(run, 0) + 1 : Math.min(run, 0) - 1) : 0;
  f[o + RUN] = run;
  if (wild && Math.abs(run) >= c.adopt) {
    // A new level: start the forecast there.
    f[o + LEVEL] = x;
    f[o + SLOPE] = 0;
    f[o + RUN] = 0;
  } else {
    const ec = wild ? Math.sign(e) * limit : e;
    f[o + LEVEL] = forecast + c.alpha * ec;
    f[o + SLOPE] = slope + c.alpha * c.beta * ec;
  }
  // An unchanged value (a sparse series' zeros, a held reading) teaches nothing: the model is one
  // of how a value moves when it moves.
  const prev = f[o + PREV] as number;
  const moved = x !== prev;
  f[o + PREV] = x;
  // The seasonal forecast: the previous value moved as the usual day moves between their times.
  const seasonalPrev = f[o + SEASONAL] as number;
  f[o + SEASONAL] = seasonal;
  const seasonalError = x - (prev + (seasonal - seasonalPrev));
  if (!moved) return n <= c.learnRecords ? 0.5 : 0;
  const moves = (f[o + MOVES] as number) + 1;
  f[o + MOVES] = moves;
  const abs = Math.abs(e);
  // Typical error: clipped, so a wild record barely moves it.
  f[o + SCALE] = scale + (Math.min(abs, scale > 0 ? limit : abs) - scale) / Math.min(moves, c.scaleMemory);
  if (n <= c.learnRecords || moves <= c.learnRecords / 2 || !(scale > 0)) return 0.5;

  // A value close to the usual one at this time of day is no jump (a daily step, a daily kink).
  const z = (Number.isNaN(seasonalError) ? abs : Math.min(abs, Math.abs(seasonalError))) / scale;
  const rate = f[o + RATE] as number;
  const excess = f[o + EXCESS] as number;
  const tail = z > c.u ? rate * Math.exp(-(z - c.u) / excess) : 1;
  const isRed = tail <= 1 - red;
  // Every move teaches the tail, a red one as if it were just red (winsorised): one jump barely
  // moves the tail, jumps that keep coming raise it until they are the series' normal.
  const exceeds = z > c.u;
  const taughtMoves = (f[o + TAUGHT] as number) + 1;
  f[o + TAUGHT] = taughtMoves;
  f[o + RATE] = rate + ((exceeds ? 1 : 0) - rate) / Math.min(taughtMoves + PRIOR_WEIGHT / PRIOR_RATE, c.rateMemory);
  if (exceeds) {
    const k = (f[o + EXCEEDANCES] as number) + 1;
    f[o + EXCEEDANCES] = k;
    const zRed = c.u + excess * Math.log(rate / (1 - red));
    const taught = Math.max(0, (isRed ? Math.min(z, zRed) : z) - c.u);
    f[o + EXCESS] =
      excess + (taught - excess) / (Math.min(k + PRIOR_WEIGHT, c.excessMemory) / (isRed ? RED_WEIGHT : 1));
  }
  let likelihood = 1 - tail;
  const inRun = f[o + IN_RUN] === 1;
  if (isRed && inRun) likelihood = yellow;
  if (isRed) f[o + IN_RUN] = 1;
  else if (tail > 1 - yellow) f[o + IN_RUN] = 0;
  return Math.max(likelihood, volatility(f, o, Math.min(z, VOL_CAP), taughtMoves, red, yellow));
}

/**
 * Noise that grows for a while (a noise burst): the recent mean of the errors against its own usual
 * level and spread; a red run keeps one red record, and red records do not teach.
 */
function volatility(f: Float64Array, o: number, z: number, moves: number, red: number, yellow: number): number {
  const vol = (f[o + VOL] as number) + VOL_ALPHA * (z - (f[o + VOL] as number));
  f[o + VOL] = vol;
  const mean = f[o + VOL_MEAN] as number;
  const variance = f[o + VOL_VAR] as number;
  if (moves <= 1 / VOL_ALPHA) {
    f[o + VOL_MEAN] = mean + (vol - mean) / moves;
    return 0.5;
  }
  const sd = VOL_K * Math.max(Math.sqrt(variance), VOL_MIN_SD);
  const tail = vol > mean ? normalTail((vol - mean) / sd) : 1;
  const isRed = tail <= 1 - red;
  if (!isRed) {
    const a = 1 / Math.min(moves, VOL_MEMORY);
    const d = vol - mean;
    f[o + VOL_MEAN] = mean + a * d;
    f[o + VOL_VAR] = (1 - a) * (variance + a * d * d);
  }
  let likelihood = 1 - tail;
  if (isRed && f[o + VOL_IN_RUN] === 1) likelihood = yellow;
  if (isRed) f[o + VOL_IN_RUN] = 1;
  else if (tail > 1 - yellow) f[o + VOL_IN_RUN] = 0;
  return likelihood;
}
