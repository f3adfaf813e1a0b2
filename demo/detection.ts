import type { TruthRecord } from '../sim/ground-truth.js';
import { type Alarm, type AlarmScore, scoreAlarms } from '../sim/score-alarms.js';
import type { SimulationSummary } from '../sim/simulation-summary.js';

/** One incident of telemetry.anomalies as the demo reads it back (its OPEN record). */
export interface IncidentRecord {
  deviceId: string;
  field: string;
  kind: string;
  ts: number;
  status: string;
}

/**
 * The alarms to score: each incident once (its OPEN record) of the run's own devices (ids starting
 * with `devicePrefix`: anything else publishing on the same broker is not this run's), with event
 * time inside the run. At the end of a run every device goes OFFLINE (a MISSING per device), which
 * is not an anomaly of the run.
 */
export function alarmsOfRun(
  records: readonly IncidentRecord[],
  span: { startTs: number; endTs: number },
  devicePrefix = '',
): Alarm[] {
  return records
    .filter(
      (r) => r.status === 'OPEN' && r.deviceId.startsWith(devicePrefix) && r.ts >= span.startTs && r.ts <= span.endTs,
    )
    .map((r) => ({ deviceId: r.deviceId, field: r.field, kind: r.kind, ts: Number(r.ts) }));
}

/**
 * Scores the pipeline's incidents against the simulator's ground truth (sim/score-alarms.ts, NAB
 * style). The span scored starts after `warmupMs` of event time: no anomaly is injected during the
 * detectors' warm-up and no detector may alarm then, so those device-hours would only dilute the
 * false-alarm rate. It ends `endMarginMs` before the last reading: when the swarm stops, every
 * device falls silent and is rightly reported MISSING, which is the end of the run, not an anomaly.
 */
export function scoreDetection(
  truth: readonly TruthRecord[],
  alarms: readonly Alarm[],
  simulation: SimulationSummary,
  warmupMs: number,
  endMarginMs = 0,
): AlarmScore {
  const span = { startTs: simulation.startTs + warmupMs, endTs: simulation.endTs - endMarginMs };
  return scoreAlarms(truth, alarms, {
    span,
    devices: simulation.devices,
    intervalMs: simulation.live?.intervalMs ?? simulation.history?.intervalMs ?? 1000,
  });
}
