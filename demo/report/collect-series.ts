import { type InfluxQl, quoteIdent, quoteLiteral } from '../../lib/influx/influxql-client.js';
import { downsample, type Point } from './downsample.js';
import type { ReportSeries } from './report-data.js';

/** What `collectSeries` reads. */
export interface SeriesQuery {
  devices: readonly string[];
  /** The raw readings' measurements (the reading types, e.g. environment, power): each is tried for each device. */
  measurements: readonly string[];
  /** Event time to read, epoch ms (inclusive). */
  span: { startTs: number; endTs: number };
  /** Points kept per field (downsample.ts); default 2000. */
  maxPoints?: number;
  /** Event times whose readings must survive the downsampling (alarms, anomalies) of a device's field. */
  keepTs?: (deviceId: string, field: string) => readonly number[];
  /** Rows per query (the answer is paged by time, under any max-row-limit of the server); default 10000. */
  pageSize?: number;
}

const timeRange = (fromMs: number, toMs: number, fromExclusive = false) =>
  `time ${fromExclusive ? '>' : '>='} ${fromMs}ms AND time <= ${toMs}ms`;

/** Every row of a device in a measurement over the span, in time order (paged by time). */
async function deviceRows(
  influx: InfluxQl,
  measurement: string,
  deviceId: string,
  span: SeriesQuery['span'],
  pageSize: number,
): Promise<{ columns: string[]; values: unknown[][] }> {
  const values: unknown[][] = [];
  let columns: string[] = [];
  let after: number | undefined;
  for (;;) {
    const range = after === undefined ? timeRange(span.startTs, span.endTs) : timeRange(after, span.endTs, true);
    const { series } = await influx.query(
      `SELECT * FROM ${quoteIdent(measurement)} WHERE ${quoteIdent('deviceId')} = ${quoteLiteral(deviceId)} AND ${range} ORDER BY time ASC LIMIT ${pageSize}`,
    );
    const page = series[0];
    if (!page || page.values.length === 0) break;
    if (columns.length === 0) columns = page.columns;
    values.push(...page.values);
    if (page.values.length < pageSize) break;
    after = Number(page.values.at(-1)?.[0]);
  }
  return { columns, values };
}

/**
 * The chosen devices' raw readings over the run from InfluxDB 1.x (InfluxQL: the measurements are
 * the reading types, tag `deviceId`, one field per numeric reading field), one ReportSeries per
 * device and numeric field, downsampled to `maxPoints` keeping the points at `keepTs`. A device
 * absent from every measurement has no series.
 *
 * @example
 *   await collectSeries(influxQl({ url, database: 'telemetry', username, password }), {
 *     devices: ['sim-000042'], measurements: ['environment', 'power'], span: { startTs, endTs } })
 *   // [{ deviceId: 'sim-000042', type: 'environment', site: 'site-03', field: 'humidity', points: [...], rawPoints: 1441 }, ...]
 */
export async function collectSeries(influx: InfluxQl, query: SeriesQuery): Promise<ReportSeries[]> {
  const out: ReportSeries[] = [];
  for (const deviceId of query.devices) {
    for (const measurement of query.measurements) {
      const { columns, values } = await deviceRows(influx, measurement, deviceId, query.span, query.pageSize ?? 10_000);
      if (values.length === 0) continue;
      const siteAt = columns.indexOf('site');
      const site = siteAt >= 0 ? values.find((row) => typeof row[siteAt] === 'string')?.[siteAt] : undefined;
      columns.forEach((field, c) => {
        if (c === 0 || field === 'deviceId' || field === 'site') return;
        const points: Point[] = [];
        for (const row of values) {
          const v = row[c];
          if (typeof v === 'number' && Number.isFinite(v)) points.push([Number(row[0]), v]);
        }
        if (points.length === 0) return; // a tag or a string field
        out.push({
          deviceId,
          type: measurement,
          ...(typeof site === 'string' ? { site } : {}),
          field,
          points: downsample(points, query.maxPoints ?? 2000, query.keepTs?.(deviceId, field) ?? []),
          rawPoints: points.length,
        });
      });
    }
  }
  return out;
}

/** The devices with readings in any of the measurements over the span (the run's fleet), sorted. */
export async function devicesInSpan(
  influx: InfluxQl,
  measurements: readonly string[],
  span: SeriesQuery['span'],
): Promise<string[]> {
  const ids = new Set<string>();
  for (const m of measurements) {
    const { series } = await influx.query(
      `SELECT count(*) FROM ${quoteIdent(m)} WHERE ${timeRange(span.startTs, span.endTs)} GROUP BY ${quoteIdent('deviceId')}`,
    );
    for (const s of series) if (s.tags?.deviceId) ids.add(s.tags.deviceId);
  }
  return [...ids].sort();
}
