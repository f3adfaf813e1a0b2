import { type InfluxAccess, influxql } from '../../demo/collect.js';

/** One point of a raw-reading measurement: its tags and numeric fields. */
export interface InfluxPoint {
  deviceId: string;
  site: string;
  ts: number;
  values: Record<string, number>;
}

/**
 * Every point of `measurement` of the run's devices (`<prefix>-...`) with a time in [fromMs, toMs),
 * read a minute of event time at a time. Two points for one (deviceId, ts) can only be two
 * series (tags that differ): both are returned.
 */
export async function influxPoints(
  access: InfluxAccess,
  measurement: string,
  devicePrefix: string,
  fromMs: number,
  toMs: number,
): Promise<InfluxPoint[]> {
  const prefix = devicePrefix.replace(/[^A-Za-z0-9_-]/g, '');
  const out: InfluxPoint[] = [];
  for (let a = fromMs; a < toMs; a += 60_000) {
    const b = Math.min(toMs, a + 60_000);
    const series = await influxql(
      access,
      `SELECT * FROM "${measurement}" WHERE "deviceId" =~ /^${prefix}-/ AND time >= ${a}ms AND time < ${b}ms`,
    );
    for (const s of series) {
      const col = (name: string) => s.columns.indexOf(name);
      const [time, device, site] = [col('time'), col('deviceId'), col('site')];
      for (const row of s.values) {
        const values: Record<string, number> = {};
        s.columns.forEach((name, i) => {
          const v = row[i];
          if (i !== time && typeof v === 'number') values[name] = v;
        });
        out.push({ deviceId: String(row[device]), site: String(row[site] ?? ''), ts: Number(row[time]), values });
      }
    }
  }
  return out;
}

/** Points in the measurement for the run's devices (a count, for the drain). */
export async function influxCount(access: InfluxAccess, measurement: string, devicePrefix: string): Promise<number> {
  const prefix = devicePrefix.replace(/[^A-Za-z0-9_-]/g, '');
  const series = await influxql(access, `SELECT count(*) FROM "${measurement}" WHERE "deviceId" =~ /^${prefix}-/`);
  const row = series[0]?.values[0] ?? [];
  return row.slice(1).reduce<number>((max, v) => Math.max(max, typeof v === 'number' ? v : 0), 0);
}
