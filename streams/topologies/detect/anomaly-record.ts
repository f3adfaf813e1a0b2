import type { Anomaly, AnomalyKind } from '../../detectors/index.js';

/**
 * The anomaly record (schemas/anomaly.avsc), keyed by deviceId on telemetry.anomalies.
 *
 * @example
 *   { deviceId: 'env-7', type: 'environment', site: 'lab', field: 'temperature', ts: 1767225600000, value: 48.5,
 *     kind: 'SPIKE', score: 0.9999, expected: 21.2, lower: 19.9, upper: 22.5, detector: 'spike-dip' }
 */
export interface AnomalyRecord {
  deviceId: string;
  type: string;
  site: string;
  /** Empty for MISSING (about the whole device). */
  field: string;
  ts: number;
  value: number | null;
  kind: AnomalyKind;
  score: number;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  detector: string;
}

/** Infinite bounds (a one-sided range) and NaN are written as null: "no bound". */
function num(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

export function anomalyRecord(
  where: { deviceId: string; type: string; site: string; field: string; ts: number; value: number | null },
  anomaly: Anomaly,
  score: number,
): AnomalyRecord {
  return {
    ...where,
    kind: anomaly.kind,
    score: Math.min(1, Math.max(0, Number.isFinite(score) ? score : 0)),
    expected: num(anomaly.expected),
    lower: num(anomaly.lower),
    upper: num(anomaly.upper),
    detector: anomaly.detector,
  };
}
