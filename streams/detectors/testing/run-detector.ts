import type { Detector, DetectorResult } from '../types.js';
import type { SyntheticSeries } from './synthetic-series.js';

/** Runs a series through a fresh state; every record's result, in order (for tests). */
export function runDetector<S>(
  detector: Detector<S>,
  series: SyntheticSeries,
  state = detector.init(),
): DetectorResult[] {
  return series.values.map((v, i) => detector.update(state, series.timestamps[i] as number, v));
}

/** Indexes of the records that raised an anomaly. */
export function anomalyIndexes(results: DetectorResult[]): number[] {
  return results.flatMap((r, i) => (r.anomaly ? [i] : []));
}
