import { ConfigError } from '../../lib/errors.js';
import { assertFiniteValue } from './finite-value.js';
import { normalQuantile } from './stats/normal-quantile.js';
import { normalTail } from './stats/normal-tail.js';
import type { Detector, DetectorResult } from './types.js';

/**
 * Level shift (change point), after Azure Stream Analytics' `AnomalyDetection_ChangePoint`: the
 * mean of the last `window` values against the mean of the `window` before them (Welch's t-test,
 * two-sided `confidence` in percent). Flags the first record of a run of significant tests, with
 * hysteresis (the run ends when the test falls below half the limit), so one shift gives one
 * anomaly. Every record is a test, so on long noise a 99% setting fires now and then: use 99.9+
 * for noisy series.
 * The score is the test's confidence (1 - p).
 */
export interface LevelShiftConfig {
  confidence: number;
  window: number;
}

export const DEFAULT_LEVEL_SHIFT: LevelShiftConfig = { confidence: 99, window: 30 };

export interface LevelShiftState {
  /** The last 2 * window values in a ring; `head` is the slot of the next value. */
  values: number[];
  head: number;
  inShift: boolean;
}

/**
 * @example
 *   const d = levelShift({ confidence: 99, window: 20 });
 *   const s = d.init(); // feed 20.0 ± 0.5, then 25.0 ± 0.5: LEVEL_SHIFT a few records after the step
 */
export function levelShift(
  config: Partial<LevelShiftConfig> = {},
  key = 'detectors.levelShift',
): Detector<LevelShiftState> {
  const c = { ...DEFAULT_LEVEL_SHIFT, ...config };
  if (!(c.confidence > 50 && c.confidence < 100)) {
    throw new ConfigError(`${key}.confidence`, `expected a percentage between 50 and 100, got ${c.confidence}`);
  }
  if (!Number.isInteger(c.window) || c.window < 3) {
    throw new ConfigError(`${key}.window`, `expected an integer >= 3, got ${c.window}`);
  }
  const size = 2 * c.window;
  const zLimit = normalQuantile(1 - (1 - c.confidence / 100) / 2);
  return {
    name: 'level-shift',
    init: () => ({ values: [], head: 0, inShift: false }),
    update(s, _ts, x): DetectorResult {
      assertFiniteValue(x, 'level-shift');
      if (s.values.length < size) s.values.push(x);
      else s.values[s.head] = x;
      s.head = (s.head + 1) % size;
      if (s.values.length < size) return { score: 0 };
      // Oldest first: slots head .. head + size - 1.
      const before = stats(s.values, s.head, c.window, size);
      const after = stats(s.values, (s.head + c.window) % size, c.window, size);
      const se = Math.sqrt(before.variance / c.window + after.variance / c.window);
      const floor = 1e-12 * Math.max(1, Math.abs(before.mean));
      const t = (after.mean - before.mean) / Math.max(se, floor);
      const df = welchDf(before.variance, after.variance, c.window);
      const z = tToZ(Math.abs(t), df);
      const score = 1 - 2 * normalTail(z);
      // Hysteresis: a shift ends only when the test falls well below the limit, so a statistic
      // hovering at the limit gives one anomaly, not one per crossing.
      const fresh = z >= zLimit && !s.inShift;
      if (z >= zLimit) s.inShift = true;
      else if (z < zLimit / 2) s.inShift = false;
      if (!fresh) return { score };
      const band = zLimit * Math.max(se, floor);
      return {
        score,
        anomaly: {
          kind: 'LEVEL_SHIFT',
          expected: before.mean,
          lower: before.mean - band,
          upper: before.mean + band,
          detector: 'level-shift',
        },
      };
    },
  };
}

function stats(values: number[], from: number, count: number, size: number): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[(from + i) % size] as number;
  const mean = sum / count;
  let sq = 0;
  for (let i = 0; i < count; i++) sq += ((values[(from + i) % size] as number) - mean) ** 2;
  return { mean, variance: sq / (count - 1) };
}

function welchDf(v1: number, v2: number, n: number): number {
  const a = v1 / n;
  const b = v2 / n;
  const den = (a * a + b * b) / (n - 1);
  return den === 0 ? 2 * n - 2 : Math.max(1, (a + b) ** 2 / den);
}

/** Maps |t| with `df` degrees of freedom to the normal deviate of the same tail (Wallace, 1959). */
export function tToZ(t: number, df: number): number {
  if (!Number.isFinite(t)) return t;
  return Math.sqrt(df * Math.log1p((t * t) / df)) * ((8 * df + 1) / (8 * df + 3));
}
