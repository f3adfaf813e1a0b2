import { assertFiniteValue } from './finite-value.js';
import { logLikelihoodScore } from './stats/anomaly-likelihood.js';
import type { Detector, DetectorResult } from './types.js';

/**
 * Stuck sensor: a value that stops changing for longer than it ever has, when the series normally
 * changes. The chance of a run of `run` repeats is p0^run, where p0 is the series' own (decayed)
 * rate of unchanged steps; it fires when that chance falls to `probability` and the run is longer
 * than the longest run seen so far (a record, so a sensor that often repeats values stays quiet).
 */
export interface StuckConfig {
  /** Fire when the run's chance under the usual repeat rate is at most this. */
  probability: number;
  /** Decay of the repeat-rate estimate per record (memory ≈ 1 / (1 - decay) records). */
  decay: number;
  /** Records before it may fire. */
  learnRecords: number;
  /** Two values closer than this are "unchanged". */
  tolerance: number;
  /** Repeats needed at least, whatever the probability. */
  repeats: number;
  /** Also require the run to be longer than any run seen before (quiet for sensors that often repeat). */
  record: boolean;
  /**
   * Multiply the run's chance by the number of records it could have started at (the decayed
   * record count, at most 1 / (1 - decay)): a run that is rare at one record may be common
   * somewhere in a thousand.
   */
  opportunities: boolean;
}

export const DEFAULT_STUCK: StuckConfig = {
  probability: 1e-5,
  decay: 0.999,
  learnRecords: 300,
  tolerance: 0,
  repeats: 1,
  record: true,
  opportunities: false,
};

export interface StuckState {
  n: number;
  /** Previous value; null before the first. */
  prev: number | null;
  run: number;
  longestRun: number;
  same: number;
  total: number;
  prevRed: boolean;
  /** True on the record that started a red run (the one that fires). */
  fired: boolean;
}

export function stuckState(): StuckState {
  return { n: 0, prev: null, run: 0, longestRun: 0, same: 1, total: 2, prevRed: false, fired: false };
}

/** The settings {@link stuckLikelihood} reads. */
export type StuckLikelihoodConfig = Pick<StuckConfig, 'probability' | 'decay' | 'learnRecords' | 'tolerance'> &
  Partial<StuckConfig>;

// Packed layout (the combined detector's state): the fields of StuckState as numbers.
const N = 0;
const PREV = 1;
const HAS_PREV = 2;
const RUN = 3;
const LONGEST = 4;
const SAME = 5;
const TOTAL = 6;
const PREV_RED = 7;
const FIRED = 8;

/** Numbers a stuck channel takes in a packed state. */
export const STUCK_SLOTS = 9;

export function stuckInit(f: Float64Array, o: number): void {
  f.fill(0, o, o + STUCK_SLOTS);
  f[o + SAME] = 1;
  f[o + TOTAL] = 2;
}

/**
 * Returns the likelihood in [0, 1] that the current run is a stuck sensor (1 - p0^run); only the
 * first record of a red run stays above `1 - probability`, later ones drop to 0.999. Packed form:
 * the channel's numbers start at `f[o]`.
 */
export function stuckPackedLikelihood(f: Float64Array, o: number, x: number, c: StuckLikelihoodConfig): number {
  const n = (f[o + N] as number) + 1;
  f[o + N] = n;
  const unchanged = f[o + HAS_PREV] === 1 && Math.abs(x - (f[o + PREV] as number)) <= c.tolerance;
  f[o + PREV] = x;
  f[o + HAS_PREV] = 1;
  const same = f[o + SAME] as number;
  const total = f[o + TOTAL] as number;
  const p0 = same / total;
  let run = f[o + RUN] as number;
  if (!unchanged && run > (f[o + LONGEST] as number)) f[o + LONGEST] = run;
  run = unchanged ? run + 1 : 0;
  f[o + RUN] = run;
  f[o + SAME] = same * c.decay + (unchanged ? 1 : 0);
  f[o + TOTAL] = total * c.decay + 1;
  const p =
    run < (c.repeats ?? 1) || ((c.record ?? true) && run <= (f[o + LONGEST] as number))
      ? 1
      : Math.min(1, p0 ** run * (c.opportunities ? total : 1));
  const red = p <= c.probability;
  const prevRed = f[o + PREV_RED] === 1;
  const likelihood = red && prevRed ? 0.999 : 1 - p;
  f[o + FIRED] = red && !prevRed && n > c.learnRecords ? 1 : 0;
  f[o + PREV_RED] = red ? 1 : 0;
  return n > c.learnRecords ? likelihood : 0;
}

const scratch = new Float64Array(STUCK_SLOTS);

/** {@link stuckPackedLikelihood} on the plain-JSON state of the stuck detector. */
export function stuckLikelihood(s: StuckState, x: number, c: StuckLikelihoodConfig): number {
  scratch[N] = s.n;
  scratch[PREV] = s.prev ?? 0;
  scratch[HAS_PREV] = s.prev === null ? 0 : 1;
  scratch[RUN] = s.run;
  scratch[LONGEST] = s.longestRun;
  scratch[SAME] = s.same;
  scratch[TOTAL] = s.total;
  scratch[PREV_RED] = s.prevRed ? 1 : 0;
  scratch[FIRED] = s.fired ? 1 : 0;
  const likelihood = stuckPackedLikelihood(scratch, 0, x, c);
  s.n = scratch[N] as number;
  s.prev = scratch[PREV] as number;
  s.run = scratch[RUN] as number;
  s.longestRun = scratch[LONGEST] as number;
  s.same = scratch[SAME] as number;
  s.total = scratch[TOTAL] as number;
  s.prevRed = scratch[PREV_RED] === 1;
  s.fired = scratch[FIRED] === 1;
  return likelihood;
}

/**
 * The stuck detector on its own: score = the log-scaled likelihood ({@link logLikelihoodScore}),
 * STUCK on the first record whose run's chance is at most `probability`.
 *
 * @example
 *   const d = stuckDetector({ probability: 1e-6 });
 *   const s = d.init(); d.update(s, ts, 21.5).anomaly?.kind // 'STUCK' once the value froze long enough
 */
export function stuckDetector(config: Partial<StuckConfig> = {}): Detector<StuckState> {
  const c = { ...DEFAULT_STUCK, ...config };
  return {
    name: 'stuck',
    init: stuckState,
    update(s, _ts, x): DetectorResult {
      assertFiniteValue(x, 'stuck');
      const score = logLikelihoodScore(stuckLikelihood(s, x, c));
      if (!s.fired) return { score };
      return { score, anomaly: { kind: 'STUCK', expected: x, lower: x, upper: x, detector: 'stuck' } };
    },
  };
}
