import { type Dashboard, dashboardOf, influxStat, influxTable, influxTimeseries, influxVariable } from '../model.js';
import { tagMatches } from './influx-filters.js';

const filters = [tagMatches('site'), tagMatches('kind'), tagMatches('detector'), tagMatches('type')].join(' AND ');

/**
 * Anomaly incidents (consecutive alarms of a device field, or a device's silence, as one row: the
 * sink keeps one point per incident): the latest in a table with start, end, duration and alarm
 * count, open ones apart, and their rate by kind, detector and site.
 */
export function anomaliesDashboard(): Dashboard {
  const rate = (by: string) =>
    influxTimeseries(
      `Incidents by ${by}`,
      [
        {
          query: `SELECT count("score") FROM "anomalies" WHERE $timeFilter AND ${filters} GROUP BY time($__interval), "${by}" fill(none)`,
          alias: `$tag_${by}`,
        },
      ],
      { unit: 'none', stack: true, description: `Incidents starting per interval, by ${by}.` },
    );
  return dashboardOf({
    uid: 'iotp-anomalies',
    title: 'IoT anomalies',
    description:
      'Anomaly incidents found by the detectors (alarms of a device field less than the cooldown apart are one incident): table with start, end, duration and alarms, and rate by kind, detector and site (InfluxDB).',
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
          'Incidents',
          [{ query: `SELECT count("score") FROM "anomalies" WHERE $timeFilter AND ${filters}`, alias: 'total' }],
          {
            w: 4,
            options: { graphMode: 'none' },
          },
        ),
        influxStat(
          'Open incidents',
          [
            {
              query: `SELECT count("score") FROM "anomalies" WHERE $timeFilter AND ${filters} AND "status" = 'OPEN'`,
              alias: 'open',
            },
          ],
          { w: 4, options: { graphMode: 'none' } },
        ),
        influxStat(
          'Devices with incidents',
          [
            {
              query: `SELECT count("s") FROM (SELECT last("score") AS "s" FROM "anomalies" WHERE $timeFilter AND ${filters} GROUP BY "deviceId")`,
              alias: 'devices',
            },
          ],
          { w: 4, options: { graphMode: 'none' } },
        ),
        influxStat(
          'Mean alarms per incident',
          [{ query: `SELECT mean("alarms") FROM "anomalies" WHERE $timeFilter AND ${filters}`, alias: 'alarms' }],
          { w: 4, decimals: 1, options: { graphMode: 'none' } },
        ),
        influxStat(
          'Mean score',
          [{ query: `SELECT mean("score") FROM "anomalies" WHERE $timeFilter AND ${filters}`, alias: 'score' }],
          { w: 4, decimals: 2, min: 0, max: 1, options: { graphMode: 'none' } },
        ),
        influxStat(
          'Max score',
          [{ query: `SELECT max("score") FROM "anomalies" WHERE $timeFilter AND ${filters}`, alias: 'score' }],
          { w: 4, decimals: 2, min: 0, max: 1, options: { graphMode: 'none' } },
        ),
      ],
      [rate('kind'), rate('detector'), rate('site')],
      [
        influxTable(
          'Latest incidents (time = start; end and duration once closed)',
          [
            {
              query: `SELECT "deviceId", "site", "type", "field", "kind", "channel", "status", "end", "durationMs", "alarms", "value", "expected", "lower", "upper", "score", "detector" FROM "anomalies" WHERE $timeFilter AND ${filters} ORDER BY time DESC LIMIT 500`,
            },
          ],
          { w: 24, h: 12 },
        ),
      ],
    ],
  });
}
