import type { Detector, DetectorResult } from './types.js';

/**
 * When a detector's verdict becomes an alert: after `warmup` records of the series, at a score of
 * at least `minScore`, and not within `cooldownMs` (event time) of the previous alert of the same
 * detector and series. Scores pass through unchanged; only `anomaly` is dropped.
 */
export interface AlertPolicy {
  warmup: number;
  cooldownMs: number;
  minScore: number;
}

export interface AlertPolicyState<S> {
  inner: S;
  n: number;
  /** Event time of the last alert; null before any. */
  lastAlert: number | null;
}

/**
 * Wraps a detector with an alert policy (the shared `detectors.defaults` of the pipeline config).
 *
 * @example
 *   const d = withAlertPolicy(spikeDip({ confidence: 99 }), { warmup: 30, cooldownMs: 300_000, minScore: 0.5 });
 */
export function withAlertPolicy<S>(detector: Detector<S>, policy: AlertPolicy): Detector<AlertPolicyState<S>> {
  return {
    name: detector.name,
    init: () => ({ inner: detector.init(), n: 0, lastAlert: null }),
    update(s, ts, x): DetectorResult {
      s.n++;
      const result = detector.update(s.inner, ts, x);
      if (!result.anomaly) return result;
      const quiet = s.lastAlert !== null && ts - s.lastAlert < policy.cooldownMs;
      if (s.n <= policy.warmup || result.score < policy.minScore || quiet) return { score: result.score };
      s.lastAlert = ts;
      return result;
    },
  };
}
