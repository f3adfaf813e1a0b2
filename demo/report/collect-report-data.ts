import type { InfluxQl } from '../../lib/influx/influxql-client.js';
import type { TruthRecord } from '../../sim/ground-truth.js';
import type { Alarm, AlarmScore } from '../../sim/score-alarms.js';
import { chooseDevices } from './choose-devices.js';
import { collectSeries, devicesInSpan } from './collect-series.js';
import { alarmsOn, truthOn } from './page-model.js';
import type { ReportData } from './report-data.js';

/**
 * What a run knows when it makes its report. The demo has all of it at its end: `score` is its
 * detection score, `span` the simulation's startTs..endTs, `measurements` the raw measurements
 * (demo/collect.ts pipelineMeasurements(config).raw).
 */
export interface ReportInput {
  influx: InfluxQl;
  measurements: readonly string[];
  title: string;
  span: { startTs: number; endTs: number };
  score: AlarmScore;
  truth: TruthRecord[];
  alarms: Alarm[];
  /** Seed of the random devices (e.g. the simulation's). */
  seed: number;
  /** The run's devices; default: those with readings in InfluxDB over the span. */
  candidates?: readonly string[];
  /** Devices with the most alarms, and random others (default 4 and 4). */
  mostAlarmed?: number;
  random?: number;
  /** Points per field at most (default 2000). */
  maxPoints?: number;
  notes?: string[];
  /** Default: now. */
  generatedAt?: number;
}

/**
 * A report's data: chooses the devices (choose-devices.ts) and reads their series from InfluxDB
 * (collect-series.ts), keeping the readings at their alarms and anomalies.
 *
 * @example
 *   writeReport(runDir, await collectReportData({ influx, measurements: ['environment', 'power'], title: 'iotp demo',
 *     span: { startTs: sim.startTs, endTs: sim.endTs }, score, truth, alarms, seed: sim.seed }))
 */
export async function collectReportData(input: ReportInput): Promise<ReportData> {
  const candidates = input.candidates ?? (await devicesInSpan(input.influx, input.measurements, input.span));
  const devices = chooseDevices(input.alarms, {
    candidates,
    seed: input.seed,
    ...(input.mostAlarmed !== undefined ? { mostAlarmed: input.mostAlarmed } : {}),
    ...(input.random !== undefined ? { random: input.random } : {}),
  });
  const series = await collectSeries(input.influx, {
    devices: devices.map((d) => d.deviceId),
    measurements: input.measurements,
    span: input.span,
    ...(input.maxPoints !== undefined ? { maxPoints: input.maxPoints } : {}),
    keepTs: (deviceId, field) => [
      ...alarmsOn({ deviceId, field }, input.alarms, input.span).map((a) => a.ts),
      ...truthOn({ deviceId, field }, input.truth).flatMap((t) => [t.startTs, t.endTs]),
    ],
  });
  return {
    title: input.title,
    generatedAt: input.generatedAt ?? Date.now(),
    span: input.span,
    score: input.score,
    truth: input.truth,
    alarms: input.alarms,
    devices,
    series,
    ...(input.notes ? { notes: input.notes } : {}),
  };
}
