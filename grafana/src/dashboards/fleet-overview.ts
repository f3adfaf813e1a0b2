import { type Dashboard, dashboardOf, influxStat, influxTimeseries, influxVariable } from '../model.js';
import { FLEET_1M, tagMatches, WINDOW_1M } from './influx-filters.js';

const site = tagMatches('site');

/**
 * Fleet overview: readings/s and devices reporting per reading type, per-site aggregates of every
 * numeric field (one panel per field of the chosen type, from the 1m window results), anomaly counts.
 * Reading types and fields come from InfluxDB itself (window measurements `<type>_1m`, fields
 * `<field>_mean`): a new sensor type appears with no dashboard change. The fleet views of the
 * enrich topology (`<type>_1m_by_site`, `<type>_1m_by_model`: readings of every device of a site or
 * a model, grouped in the stream) show readings per site and per model.
 */
export function fleetOverview(): Dashboard {
  return dashboardOf({
    uid: 'iotp-fleet-overview',
    title: 'IoT fleet overview',
    description: 'Readings, devices, per-site aggregates and anomalies across the fleet (InfluxDB, InfluxQL).',
    variables: [
      influxVariable('site', 'Site', 'SHOW TAG VALUES WITH KEY = "site"', { multi: true, includeAll: true }),
      influxVariable('type', 'Reading type', `SHOW MEASUREMENTS WITH MEASUREMENT =~ ${WINDOW_1M}`, {
        regex: '/^(.*)_1m$/',
      }),
      influxVariable('field', 'Field', `SHOW FIELD KEYS FROM "\${type}_1m"`, {
        regex: '/^(.*)_mean$/',
        multi: true,
        includeAll: true,
      }),
    ],
    rows: [
      [
        influxStat(
          'Readings/s',
          [
            {
              query: `SELECT sum("count") / 60 FROM ${WINDOW_1M} WHERE $timeFilter AND ${site} GROUP BY time(1m) fill(none)`,
              alias: '$m',
            },
          ],
          { unit: 'reqps', decimals: 1, description: 'From the 1-minute window results (records per window / 60).' },
        ),
        influxStat(
          'Devices reporting',
          [
            {
              query: `SELECT count("c") FROM (SELECT last("count") AS "c" FROM ${WINDOW_1M} WHERE $timeFilter AND ${site} GROUP BY "deviceId")`,
              alias: '$m',
            },
          ],
          {
            unit: 'none',
            description: 'Distinct devices with at least one 1-minute window in the time range, per type.',
          },
        ),
        influxStat(
          'Anomalies',
          [{ query: `SELECT count("score") FROM "anomalies" WHERE $timeFilter AND ${site}`, alias: 'anomalies' }],
          { unit: 'none', options: { colorMode: 'background', graphMode: 'none' } },
        ),
        influxStat(
          'Devices offline',
          [
            {
              query: `SELECT count("s") FROM (SELECT last("status") AS "s" FROM "device_status" WHERE $timeFilter AND ${site} GROUP BY "deviceId") WHERE "s" = 'OFFLINE'`,
              alias: 'offline',
            },
          ],
          {
            unit: 'none',
            description: 'Devices whose last status change in the range is OFFLINE.',
            options: { graphMode: 'none' },
          },
        ),
      ],
      [
        influxTimeseries(
          'Readings/s by type',
          [
            {
              query: `SELECT sum("count") / 60 FROM ${WINDOW_1M} WHERE $timeFilter AND ${site} GROUP BY time(1m) fill(none)`,
              alias: '$m',
            },
          ],
          { unit: 'reqps', stack: true },
        ),
        influxTimeseries(
          'Devices reporting by type',
          [
            {
              query: `SELECT count("c") FROM (SELECT last("count") AS "c" FROM ${WINDOW_1M} WHERE $timeFilter AND ${site} GROUP BY time($__interval), "deviceId" fill(none)) WHERE $timeFilter GROUP BY time($__interval) fill(none)`,
              alias: '$m',
            },
          ],
          { unit: 'none', stack: true },
        ),
      ],
      [
        influxTimeseries(
          `\${type} \${field}: mean by site (1m windows)`,
          [
            {
              query: `SELECT mean("\${field}_mean") FROM "\${type}_1m" WHERE $timeFilter AND ${site} GROUP BY time($__interval), "site" fill(none)`,
              alias: '$tag_site',
            },
          ],
          { repeat: 'field', w: 8 },
        ),
      ],
      [
        influxTimeseries(
          'Readings per site (fleet view)',
          [
            {
              query: `SELECT sum("count") FROM ${FLEET_1M('site')} WHERE $timeFilter AND ${site} GROUP BY time(1m), "site" fill(none)`,
              alias: '$m $tag_site',
            },
          ],
          {
            unit: 'none',
            stack: true,
            description:
              'Readings per site and minute from the enrich topology (iotp streams run enrich, enrich.enabled): every device of the site, its site from the device registry.',
          },
        ),
        influxTimeseries(
          'Readings per model (fleet view)',
          [
            {
              query: `SELECT sum("count") FROM ${FLEET_1M('model')} WHERE $timeFilter GROUP BY time(1m), "model" fill(none)`,
              alias: '$m $tag_model',
            },
          ],
          {
            unit: 'none',
            stack: true,
            description:
              'Readings per hardware model (device registry) and minute from the enrich topology; devices with no model are not counted.',
          },
        ),
      ],
      [
        influxTimeseries(
          'Anomalies by kind',
          [
            {
              query: `SELECT count("score") FROM "anomalies" WHERE $timeFilter AND ${site} GROUP BY time($__interval), "kind" fill(none)`,
              alias: '$tag_kind',
            },
          ],
          { unit: 'none', stack: true, options: {} },
        ),
        influxTimeseries(
          'Anomalies by reading type and site',
          [
            {
              query: `SELECT count("score") FROM "anomalies" WHERE $timeFilter AND ${site} GROUP BY time($__interval), "type", "site" fill(none)`,
              alias: '$tag_type $tag_site',
            },
          ],
          { unit: 'none', stack: true },
        ),
      ],
    ],
  });
}
