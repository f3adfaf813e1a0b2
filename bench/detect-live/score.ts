import { alarmsOfRun, type IncidentRecord, scoreDetection } from '../../demo/detection.js';
import type { TruthRecord } from '../../sim/ground-truth.js';
import type { AlarmScore } from '../../sim/score-alarms.js';
import type { SimulationSummary } from '../../sim/simulation-summary.js';

/** What the demo's scoring reads of a run (its SimulationSummary's span, devices and intervals). */
export interface RunSpan {
  startTs: number;
  endTs: number;
  devices: number;
  intervalMs: number;
  warmupMs: number;
}

/**
 * Scores incident records against the truth exactly as the demo does (demo/run-demo.ts): the OPEN
 * records of the run inside its event time, `scoreDetection` with the warm-up cut off the front and
 * two reading intervals off the end (the swarm's stop).
 */
export function scoreDetectionOffline(
  truth: readonly TruthRecord[],
  records: readonly IncidentRecord[],
  span: RunSpan,
  devicePrefix = '',
): AlarmScore {
  const simulation = {
    startTs: span.startTs,
    endTs: span.endTs,
    devices: span.devices,
    history: { intervalMs: span.intervalMs },
    live: { intervalMs: span.intervalMs },
  } as unknown as SimulationSummary;
  const alarms = alarmsOfRun(records, simulation, devicePrefix);
  return scoreDetection(truth, alarms, simulation, span.warmupMs, 2 * span.intervalMs);
}

export const demoScore = scoreDetectionOffline;
