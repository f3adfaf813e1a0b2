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
}

export const DEFAULT_STUCK: StuckConfig = {
  probability: 1e-5,
  decay: 0.999,
  learnRecords: 300,
  tolerance: 0,
  repeats: 1,
  record: true,
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

/**
 * Returns the likelihood in [0, 1] that the current run is a stuck sensor (1 - p0^run); only the
 * first record of a red run stays above `1 - probability`, later ones drop to 0.999.
 */
export function stuckLikelihood(
  s: StuckState,
  x: number,
  c: Pick<StuckConfig, 'probability' | 'decay' | 'learnRecords' | 'tolerance'> & Partial<StuckConfig>,
): number {
  s.n++;
  const unchanged = s.prev !== null && Math.abs(x - s.prev) <= c.tolerance;
  s.prev = x;
  const p0 = s.same / s.total;
  if (!unchanged && s.run > s.longestRun) s.longestRun = s.run;
  s.run = unchanged ? s.run + 1 : 0;
  s.same = s.same * c.decay + (unchanged ? 1 : 0);
  s.total = s.total * c.decay + 1;
  const p = s.run < (c.repeats ?? 1) || ((c.record ?? true) && s.run <= s.longestRun) ? 1 : p0 ** s.run;
  const red = p <= c.probability;
  const likelihood = red && s.prevRed ? 0.999 : 1 - p;
  s.fired = red && !s.prevRed && s.n > c.learnRecords;
  s.prevRed = red;
  return s.n > c.learnRecords ? likelihood : 0;
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
