import { METRIC } from '../metric-names.js';
import { type Dashboard, dashboardOf, promBarGauge, promStat, promTimeseries } from '../model.js';

const m = METRIC;
const rate = (name: string) => `rate(${name}[$__rate_interval])`;
const quantile = (q: number, name: string, by: string) =>
  `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ''}) (${rate(`${name}_bucket`)}))`;

/** Pipeline health from the workers' /metrics (Prometheus): throughput, lag, dead letters, latency, state restore, sink. */
export function pipelineHealth(): Dashboard {
  return dashboardOf({
    uid: 'iotp-pipeline-health',
    title: 'IoT pipeline health',
    description:
      "Every worker's /metrics: throughput per stage, consumer lag, dead letters, latency, state restore, InfluxDB sink (Prometheus).",
    time: { from: 'now-1h', to: 'now' },
    refresh: '10s',
    rows: [
      [
        promStat('MQTT messages/s', [{ expr: `sum(${rate(m.mqttMessagesIn.name)})`, legend: 'in' }], {
          unit: 'reqps',
          w: 6,
        }),
        promStat('Points written/s', [{ expr: `sum(${rate(m.sinkPointsWritten.name)})`, legend: 'points' }], {
          unit: 'reqps',
          w: 6,
        }),
        promStat('Total consumer lag', [{ expr: `sum(${m.consumerLag.name})`, legend: 'lag' }], { unit: 'none', w: 6 }),
        promStat('Dead letters (1h)', [{ expr: `sum(increase(${m.deadLetters.name}[1h]))`, legend: 'dead letters' }], {
          unit: 'none',
          w: 6,
          options: { colorMode: 'background' },
        }),
      ],
      [
        promTimeseries(
          'Throughput per stage',
          [
            { expr: `sum by (component) (${rate(m.recordsIn.name)})`, legend: '{{component}} in' },
            { expr: `sum by (component) (${rate(m.recordsOut.name)})`, legend: '{{component}} out' },
          ],
          { unit: 'reqps' },
        ),
        promTimeseries(
          'Consumer lag per group and partition',
          [
            {
              expr: `max by (group, topic, partition) (${m.consumerLag.name})`,
              legend: '{{group}} {{topic}}[{{partition}}]',
            },
          ],
          { unit: 'none' },
        ),
      ],
      [
        promTimeseries(
          'Dead letters by reason',
          [
            {
              expr: `sum by (component, reason) (increase(${m.deadLetters.name}[$__rate_interval]))`,
              legend: '{{component}} {{reason}}',
            },
          ],
          { unit: 'none', stack: true },
        ),
        promBarGauge(
          'Lag by group',
          [{ expr: `sum by (group) (${m.consumerLag.name})`, legend: '{{group}}', instant: true }],
          {
            unit: 'none',
          },
        ),
        promTimeseries(
          'Consumer lag in time (estimated)',
          [
            {
              expr: `max by (group, topic, partition) (${m.consumerLagSeconds.name})`,
              legend: '{{group}} {{topic}}[{{partition}}]',
            },
          ],
          { unit: 's' },
        ),
      ],
      [
        promTimeseries(
          'Processing latency per stage',
          [
            { expr: quantile(0.5, m.processingSeconds.name, 'component'), legend: '{{component}} p50' },
            { expr: quantile(0.99, m.processingSeconds.name, 'component'), legend: '{{component}} p99' },
          ],
          { unit: 's' },
        ),
        promTimeseries(
          'End-to-end latency (event time to output)',
          [
            { expr: quantile(0.5, m.endToEndSeconds.name, 'component'), legend: '{{component}} p50' },
            { expr: quantile(0.99, m.endToEndSeconds.name, 'component'), legend: '{{component}} p99' },
          ],
          { unit: 's' },
        ),
      ],
      [
        promTimeseries(
          'State restore: progress (1 = restored)',
          [{ expr: `min by (component, store) (${m.stateRestoreProgress.name})`, legend: '{{component}} {{store}}' }],
          { unit: 'percentunit' },
        ),
        promTimeseries(
          'State restore: records restored/s',
          [
            {
              expr: `sum by (component, store) (${rate(m.stateRestoredRecords.name)})`,
              legend: '{{component}} {{store}}',
            },
          ],
          { unit: 'reqps' },
        ),
        promTimeseries(
          'Late records and anomalies',
          [
            { expr: `sum by (store) (${rate(m.lateRecords.name)})`, legend: 'late {{store}}' },
            { expr: `sum by (kind) (${rate(m.anomalies.name)})`, legend: 'anomalies {{kind}}' },
          ],
          { unit: 'reqps' },
        ),
      ],
      [
        promTimeseries(
          'InfluxDB sink: points written/s by measurement',
          [{ expr: `sum by (measurement) (${rate(m.sinkPointsWritten.name)})`, legend: '{{measurement}}' }],
          { unit: 'reqps', stack: true },
        ),
        promTimeseries(
          'InfluxDB sink: write latency and retries',
          [
            { expr: quantile(0.5, m.sinkWriteSeconds.name, 'api'), legend: 'p50 {{api}}' },
            { expr: quantile(0.99, m.sinkWriteSeconds.name, 'api'), legend: 'p99 {{api}}' },
            { expr: `sum by (reason) (${rate(m.sinkWriteRetries.name)})`, legend: 'retries/s {{reason}}' },
          ],
          { unit: 's' },
        ),
        promTimeseries(
          'InfluxDB sink: buffer fill and InfluxDB reachability',
          [
            {
              expr: `sum by (instance) (${m.sinkBufferPoints.name}) / sum by (instance) (${m.sinkBufferCapacity.name})`,
              legend: 'buffer fill {{instance}}',
            },
            { expr: `min by (instance) (${m.sinkInfluxUp.name})`, legend: 'InfluxDB up {{instance}}' },
            { expr: `max by (instance) (${m.sinkFetchPaused.name})`, legend: 'fetch paused {{instance}}' },
          ],
          { unit: 'percentunit', min: 0, max: 1 },
        ),
      ],
    ],
  });
}
