import type { Anomaly, AnomalyKind } from '../../detectors/index.js';

/**
 * The anomaly record (schemas/anomaly.avsc), keyed by deviceId on telemetry.anomalies.
 *
 * @example
 *   { deviceId: 'env-7', type: 'environment', site: 'lab', field: 'temperature', ts: 1767225600000, value: 48.5,
 *     kind: 'SPIKE', score: 0.9999, expected: 21.2, lower: 19.9, upper: 22.5, detector: 'combined/range',
 *     channel: 'range', status: 'OPEN', end: null, durationMs: 0, alarms: 1 }
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
  /** What in the detector fired: the combined detector's channel, else the detector's name. */
  channel: string;
  /** OPEN: an incident's first alarm; CLOSED: the incident ended (see incidents.ts). */
  status: 'OPEN' | 'CLOSED';
  /** Event time of the incident's last alarm; null while OPEN. */
  end: number | null;
  durationMs: number;
  alarms: number;
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
    channel: anomaly.detector.includes('/') ? (anomaly.detector.split('/')[1] as string) : anomaly.detector,
    status: 'OPEN',
    end: null,
    durationMs: 0,
    alarms: 1,
  };
}
