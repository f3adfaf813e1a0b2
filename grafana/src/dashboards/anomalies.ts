import { type Dashboard, dashboardOf, influxStat, influxTable, influxTimeseries, influxVariable } from '../model.js';
import { tagMatches } from './influx-filters.js';

const filters = [tagMatches('site'), tagMatches('kind'), tagMatches('detector'), tagMatches('type')].join(' AND ');

/** Anomalies: the latest ones in a table, and their rate by kind, detector and site. */
export function anomaliesDashboard(): Dashboard {
  const rate = (by: string) =>
    influxTimeseries(
      `Anomalies by ${by}`,
      [
        {
          query: `SELECT count("score") FROM "anomalies" WHERE $timeFilter AND ${filters} GROUP BY time($__interval), "${by}" fill(none)`,
          alias: `$tag_${by}`,
        },
      ],
      { unit: 'none', stack: true, description: `Anomalies per interval, by ${by}.` },
    );
  return dashboardOf({
    uid: 'iotp-anomalies',
    title: 'IoT anomalies',
    description: 'Anomalies found by the detectors: table and rate by kind, detector and site (InfluxDB).',
    time: { from: 'now-24h', to: 'now' },
    variables: [
      influxVariable('site', 'Site', 'SHOW TAG VALUES FROM "anomalies" WITH KEY = "site"', {
        multi: true,
        includeAll: true,
      }),
      influxVariable('kind', 'Kind', 'SHOW TAG VALUES FROM "anomalies" WITH KEY = "kind"', {
        multi: true,
        includeAll: true,
      }),
      influxVariable('detector', 'Detector', 'SHOW TAG VALUES FROM "anomalies" WITH KEY = "detector"', {
        multi: true,
        includeAll: true,
      }),
      influxVariable('type', 'Reading type', 'SHOW TAG VALUES FROM "anomalies" WITH KEY = "type"', {
        multi: true,
        includeAll: true,
      }),
    ],
    rows: [
      [
        influxStat(
          'Anomalies',
          [{ query: `SELECT count("score") FROM "anomalies" WHERE $timeFilter AND ${filters}`, alias: 'total' }],
          {
            w: 6,
            options: { graphMode: 'none' },
          },
        ),
        influxStat(
          'Devices with anomalies',
          [
            {
              query: `SELECT count("s") FROM (SELECT last("score") AS "s" FROM "anomalies" WHERE $timeFilter AND ${filters} GROUP BY "deviceId")`,
              alias: 'devices',
            },
          ],
          { w: 6, options: { graphMode: 'none' } },
        ),
        influxStat(
          'Mean score',
          [{ query: `SELECT mean("score") FROM "anomalies" WHERE $timeFilter AND ${filters}`, alias: 'score' }],
          { w: 6, decimals: 2, min: 0, max: 1, options: { graphMode: 'none' } },
        ),
        influxStat(
          'Max score',
          [{ query: `SELECT max("score") FROM "anomalies" WHERE $timeFilter AND ${filters}`, alias: 'score' }],
          { w: 6, decimals: 2, min: 0, max: 1, options: { graphMode: 'none' } },
        ),
      ],
      [rate('kind'), rate('detector'), rate('site')],
      [
        influxTable(
          'Latest anomalies',
          [
            {
              query: `SELECT "deviceId", "site", "type", "field", "kind", "detector", "value", "expected", "lower", "upper", "score" FROM "anomalies" WHERE $timeFilter AND ${filters} ORDER BY time DESC LIMIT 500`,
            },
          ],
          { w: 24, h: 12 },
        ),
      ],
    ],
  });
}
