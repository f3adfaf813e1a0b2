import {
  type Dashboard,
  dashboardOf,
  influxAnnotation,
  influxStat,
  influxTable,
  influxTimeseries,
  influxVariable,
} from '../model.js';
import { tagMatches } from './influx-filters.js';

const device = tagMatches('deviceId');

/**
 * One device: each numeric field's raw values with its 1-minute mean and min–max band, anomalies
 * as annotations (and a table), last seen and status.
 */
export function deviceDetail(): Dashboard {
  return dashboardOf({
    uid: 'iotp-device-detail',
    title: 'IoT device detail',
    description: 'Raw readings of one device with the 1-minute mean/min/max band, anomalies and status (InfluxDB).',
    time: { from: 'now-3h', to: 'now' },
    variables: [
      influxVariable('type', 'Reading type', 'SHOW MEASUREMENTS WITH MEASUREMENT =~ /^.*_1m$/', {
        regex: '/^(.*)_1m$/',
      }),
      influxVariable('deviceId', 'Device', 'SHOW TAG VALUES FROM "$type" WITH KEY = "deviceId"'),
      influxVariable('field', 'Field', 'SHOW FIELD KEYS FROM "$type"', { multi: true, includeAll: true }),
    ],
    annotations: [
      influxAnnotation(
        'Anomalies',
        `SELECT "score", "value", "kind", "field", "detector" FROM "anomalies" WHERE ${device} AND $timeFilter`,
        'red',
        { tags: 'kind,field,detector', text: 'value' },
      ),
      influxAnnotation(
        'Status changes',
        `SELECT "status" FROM "device_status" WHERE ${device} AND $timeFilter`,
        'orange',
        { text: 'status' },
      ),
    ],
    rows: [
      [
        influxStat(
          'Status',
          [{ query: `SELECT last("status") FROM "device_status" WHERE ${device} AND $timeFilter`, alias: 'status' }],
          {
            options: {
              reduceOptions: { calcs: ['lastNotNull'], fields: '/.*/', values: false },
              graphMode: 'none',
              colorMode: 'background',
            },
            overrides: [],
            description: 'Last status change in the time range (ONLINE after an OFFLINE, or OFFLINE).',
          },
        ),
        influxStat(
          'Last seen',
          [
            {
              query: `SELECT * FROM "$type" WHERE ${device} AND $timeFilter ORDER BY time DESC LIMIT 1`,
              format: 'table',
            },
          ],
          {
            unit: 'dateTimeFromNow',
            options: {
              reduceOptions: { calcs: ['lastNotNull'], fields: '/^Time$/', values: false },
              graphMode: 'none',
            },
            description: 'Event time of the latest raw reading.',
          },
        ),
        influxStat(
          'Anomalies',
          [{ query: `SELECT count("score") FROM "anomalies" WHERE ${device} AND $timeFilter`, alias: 'anomalies' }],
          { options: { graphMode: 'none' } },
        ),
        influxStat(
          'Readings',
          [{ query: `SELECT sum("count") FROM "\${type}_1m" WHERE ${device} AND $timeFilter`, alias: 'readings' }],
          { description: 'Readings in closed 1-minute windows.', options: { graphMode: 'none' } },
        ),
      ],
      [
        influxTimeseries(
          '$field',
          [
            {
              query: `SELECT mean("$field") AS "value" FROM "$type" WHERE ${device} AND $timeFilter GROUP BY time($__interval) fill(none)`,
              alias: 'raw',
            },
            {
              query: `SELECT mean("\${field}_mean") AS "1m mean", min("\${field}_min") AS "1m min", max("\${field}_max") AS "1m max" FROM "\${type}_1m" WHERE ${device} AND $timeFilter GROUP BY time($__interval) fill(none)`,
              alias: '$col',
            },
          ],
          {
            repeat: 'field',
            w: 12,
            overrides: [
              {
                matcher: { id: 'byName', options: '1m max' },
                properties: [
                  { id: 'custom.fillBelowTo', value: '1m min' },
                  { id: 'custom.lineWidth', value: 0 },
                  { id: 'custom.fillOpacity', value: 20 },
                ],
              },
              { matcher: { id: 'byName', options: '1m min' }, properties: [{ id: 'custom.lineWidth', value: 0 }] },
              {
                matcher: { id: 'byName', options: '1m mean' },
                properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }],
              },
            ],
          },
        ),
      ],
      [
        influxTable(
          'Anomalies of this device',
          [
            {
              query: `SELECT "kind", "field", "value", "expected", "lower", "upper", "score", "detector" FROM "anomalies" WHERE ${device} AND $timeFilter ORDER BY time DESC LIMIT 200`,
            },
          ],
          { w: 14, h: 9 },
        ),
        influxTable(
          'Status changes',
          [
            {
              query: `SELECT "status", "lastSeen" FROM "device_status" WHERE ${device} AND $timeFilter ORDER BY time DESC LIMIT 100`,
            },
          ],
          { w: 10, h: 9 },
        ),
      ],
    ],
  });
}
