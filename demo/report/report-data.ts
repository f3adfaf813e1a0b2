/**
 * What a demo run's HTML report is made of (render-report.ts draws it): the detection score, the
 * ground truth, the alarms and the raw series of a few chosen devices. JSON-serialisable: the report
 * embeds it as it is.
 */
import type { TruthRecord } from '../../sim/ground-truth.js';
import type { Alarm, AlarmScore } from '../../sim/score-alarms.js';

/** Why a device's series are in the report. */
export type DeviceChoice = 'most-alarms' | 'random';

/**
 * A device whose series the report draws.
 *
 * @example
 *   { "deviceId": "sim-000042", "why": "most-alarms", "alarms": 7 }
 */
export interface ChosenDevice {
  deviceId: string;
  why: DeviceChoice;
  /** Alarms the pipeline raised for this device in the run. */
  alarms: number;
}

/**
 * One numeric field of one device over the run, as read from InfluxDB (downsampled).
 *
 * @example
 *   { "deviceId": "sim-000042", "type": "environment", "site": "site-03", "field": "temperature",
 *     "points": [[1732284000000, 21.4], [1732284060000, 21.5]], "rawPoints": 1441 }
 */
export interface ReportSeries {
  deviceId: string;
  /** The reading type: the InfluxDB measurement (e.g. environment, power). */
  type: string;
  site?: string;
  field: string;
  /** [event time epoch ms, value], in time order; at most the collector's limit (plus kept points). */
  points: Array<[number, number]>;
  /** Points InfluxDB held for the field before downsampling. */
  rawPoints: number;
}

/**
 * The input of `renderReport`.
 *
 * @example
 *   { "title": "iotp demo 2025-12-03T07:00:00Z", "generatedAt": 1764745200000,
 *     "span": { "startTs": 1764658800000, "endTs": 1764745260000 },
 *     "score": { ... }, "truth": [ ... ], "alarms": [ ... ],
 *     "devices": [{ "deviceId": "sim-000042", "why": "most-alarms", "alarms": 7 }],
 *     "series": [{ "deviceId": "sim-000042", "type": "environment", "field": "temperature", ... }] }
 */
export interface ReportData {
  title: string;
  /** When the report was made, epoch ms. */
  generatedAt: number;
  /** The event time the run covered (history included), epoch ms: the charts' time axis. */
  span: { startTs: number; endTs: number };
  /** The alarms scored against the truth (sim/score-alarms.ts). */
  score: AlarmScore;
  /** Every injected anomaly of the run (the simulator's truth file). */
  truth: TruthRecord[];
  /** Every alarm of the run (one per incident, at its event time). */
  alarms: Alarm[];
  /** The devices whose series are drawn, most alarmed first, then the random ones. */
  devices: ChosenDevice[];
  /** The chosen devices' numeric fields. */
  series: ReportSeries[];
  /** Free lines shown under the title (e.g. the run's parameters). */
  notes?: string[];
}
