import { ConfigError } from '../../lib/errors.js';
import { assertFiniteValue } from './finite-value.js';
import { normalQuantile } from './stats/normal-quantile.js';
import { normalTail } from './stats/normal-tail.js';
import { type RollingWindow, rollingMean, rollingPush, rollingStd, rollingWindow } from './stats/rolling-window.js';
import type { Detector, DetectorResult } from './types.js';

/**
 * Spike and dip, after Azure Stream Analytics' `AnomalyDetection_SpikeAndDip(confidence, history,
 * mode)`: a value far from the baseline (mean and spread) of the `history` values before it.
 * `confidence` is two-sided, in percent: at 99 a value is flagged when it lies outside the band
 * holding 99% of a normal baseline. The score is that band's coverage at the value's distance
 * (0 at the mean, approaching 1 far away), so `score >= confidence / 100` exactly when flagged.
 */
export interface SpikeDipConfig {
  confidence: number;
  history: number;
  /** `spikes` and `dips` are accepted for `spike` and `dip` (ASA's spelling). */
  mode: 'both' | 'spike' | 'dip' | 'spikes' | 'dips';
  /** Values needed in the history before anything is flagged (at least 2). */
  warmup: number;
}

export const DEFAULT_SPIKE_DIP: SpikeDipConfig = { confidence: 99.5, history: 120, mode: 'both', warmup: 30 };

export interface SpikeDipState {
  history: RollingWindow;
}

/**
 * @example
 *   const d = spikeDip({ confidence: 99, history: 60, mode: 'spike' });
 *   const s = d.init();
 *   d.update(s, ts, 42).anomaly // { kind: 'SPIKE', expected: 20.1, lower: 17.9, upper: 22.3, detector: 'spike-dip' }
 */
export function spikeDip(config: Partial<SpikeDipConfig> = {}, key = 'detectors.spikeDip'): Detector<SpikeDipState> {
  const c = { ...DEFAULT_SPIKE_DIP, ...config };
  if (!(c.confidence > 50 && c.confidence < 100)) {
    throw new ConfigError(`${key}.confidence`, `expected a percentage between 50 and 100, got ${c.confidence}`);
  }
  if (!Number.isInteger(c.history) || c.history < 2) {
    throw new ConfigError(`${key}.history`, `expected an integer >= 2, got ${c.history}`);
  }
  if (!['both', 'spike', 'dip', 'spikes', 'dips'].includes(c.mode)) {
    throw new ConfigError(`${key}.mode`, `expected both, spike(s) or dip(s), got ${String(c.mode)}`);
  }
  const spikesOnly = c.mode === 'spike' || c.mode === 'spikes';
  const dipsOnly = c.mode === 'dip' || c.mode === 'dips';
  const zLimit = normalQuantile(1 - (1 - c.confidence / 100) / 2);
  const warmup = Math.max(2, Math.min(c.warmup, c.history));
  return {
    name: 'spike-dip',
    init: () => ({ history: rollingWindow(c.history) }),
    update(s, _ts, x): DetectorResult {
      assertFiniteValue(x, 'spike-dip');
      const h = s.history;
      let result: DetectorResult = { score: 0 };
      if (h.values.length >= warmup) {
        const mean = rollingMean(h);
        const sd = Math.max(rollingStd(h), 1e-12 * Math.max(1, Math.abs(mean)));
        const z = (x - mean) / sd;
        const directed = spikesOnly ? Math.max(z, 0) : dipsOnly ? Math.max(-z, 0) : Math.abs(z);
        const score = 1 - 2 * normalTail(directed);
        result = { score };
        if (directed >= zLimit) {
          result.anomaly = {
            kind: z > 0 ? 'SPIKE' : 'DIP',
            expected: mean,
            lower: mean - zLimit * sd,
            upper: mean + zLimit * sd,
            detector: 'spike-dip',
          };
        }
      }
      rollingPush(h, x);
      return result;
    },
  };
}
