import type { TruthRecord } from '../../sim/ground-truth.js';
import type { Alarm } from '../../sim/score-alarms.js';
import { type CountOverTime, countOverTime } from './count-over-time.js';
import { nearestIndex, type Point } from './downsample.js';
import type { DeviceChoice, ReportData, ReportSeries } from './report-data.js';

/**
 * One chart of a device's field, as the page draws it: the series (by index into ReportData.series),
 * the alarms to mark and the ground truth to shade.
 */
export interface ChartModel {
  /** Index into ReportData.series. */
  series: number;
  deviceId: string;
  field: string;
  /** [event time, value of the nearest reading (null: the series is empty), alarm kind], in the span. */
  alarms: Array<[number, number | null, string]>;
  /** [startTs, endTs, kind] of each injected anomaly of this field or of the whole device (field ''). */
  truth: Array<[number, number, string]>;
}

/** A chosen device's section of the page. */
export interface DeviceModel {
  deviceId: string;
  why: DeviceChoice;
  type: string;
  site: string;
  /** Alarms of the device in the run. */
  alarms: number;
  /** Injected anomalies of the device (any kind). */
  injected: number;
  charts: ChartModel[];
}

/** What the page's drawing code reads (embedded as JSON next to the ReportData). */
export interface PageModel {
  span: { startTs: number; endTs: number };
  devices: DeviceModel[];
  timeline: CountOverTime;
  /** Every kind named by the truth or the alarms, sorted: the colour legend. */
  kinds: string[];
}

/** Alarms of the series' device and field in the span; MISSING alarms (the whole device) go on every field. */
export function alarmsOn(
  s: Pick<ReportSeries, 'deviceId' | 'field'>,
  alarms: readonly Alarm[],
  span: ReportData['span'],
) {
  return alarms.filter(
    (a) =>
      a.deviceId === s.deviceId &&
      (a.field === s.field || a.field === '' || a.kind === 'MISSING') &&
      a.ts >= span.startTs &&
      a.ts <= span.endTs,
  );
}

/** Injected anomalies of the series' device and field; those of the whole device (field '': MISSING, invalid JSON) go on every field. */
export function truthOn(s: Pick<ReportSeries, 'deviceId' | 'field'>, truth: readonly TruthRecord[]) {
  return truth.filter((t) => t.deviceId === s.deviceId && (t.field === s.field || t.field === ''));
}

function chartOf(index: number, s: ReportSeries, data: ReportData): ChartModel {
  const value = (ts: number): number | null =>
    s.points.length === 0 ? null : (s.points[nearestIndex(s.points, ts)] as Point)[1];
  return {
    series: index,
    deviceId: s.deviceId,
    field: s.field,
    alarms: alarmsOn(s, data.alarms, data.span).map((a) => [a.ts, value(a.ts), a.kind]),
    truth: truthOn(s, data.truth).map((t) => [t.startTs, t.endTs, t.kind]),
  };
}

/** The page's model of a report: pure, from the ReportData alone. */
export function pageModel(data: ReportData): PageModel {
  const devices = data.devices.map((d): DeviceModel => {
    const own = data.truth.filter((t) => t.deviceId === d.deviceId);
    const series = data.series.flatMap((s, i) => (s.deviceId === d.deviceId ? [[i, s] as const] : []));
    return {
      deviceId: d.deviceId,
      why: d.why,
      type: series[0]?.[1].type ?? own[0]?.type ?? '?',
      site: series.find(([, s]) => s.site !== undefined)?.[1].site ?? own[0]?.site ?? '?',
      alarms: d.alarms,
      injected: own.length,
      charts: series.map(([i, s]) => chartOf(i, s, data)),
    };
  });
  const kinds = [...new Set([...data.truth.map((t) => t.kind), ...data.alarms.map((a) => a.kind)])].sort();
  return { span: data.span, devices, timeline: countOverTime(data.alarms, data.truth, data.span), kinds };
}
