/**
 * The dashboards do what they say, on the real InfluxDB (Grafana itself cannot run here):
 * representative data (readings, 1m window results, anomalies, device status of a small fleet over
 * the last two hours) goes through the real sink (Kafka -> InfluxDB) into a database of its own;
 * then every InfluxDB panel query and annotation of every dashboard, with $timeFilter, $__interval
 * and the variables substituted as Grafana does (variables resolved by running their own queries),
 * runs with no error and returns data. The sink's /metrics expose every metric the Prometheus
 * panels read that the sink emits.
 */
import { describe, expect, it } from 'vitest';
import {
  allCommitted,
  kafkaFor,
  registryAndEncoder,
  schemaFile,
  settingsFor,
  startSinkHere,
  throwIfFatal,
  waitUntil,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import { COMPONENT, METRIC } from '../../grafana/src/metric-names.js';
import { influxQl } from '../../lib/influx/influxql-client.js';
import type { ProducerRecord } from '../../lib/kafka/types.js';
import { expectDashboardsReturnData } from '../helpers/dashboard-queries.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const MINUTE = 60_000;

interface Fleet {
  records: ProducerRecord[];
  topics: string[];
}

async function fleetData(prefix: string, now: number): Promise<Fleet> {
  const t = (name: string) => `${prefix}${name}`;
  const enc = async (topic: string, schema: string) =>
    (await registryAndEncoder<Record<string, unknown>>(env, topic, schemaFile(schema))).encoder;
  const environment = await enc(t('environment'), 'environment');
  const power = await enc(t('power'), 'power');
  const envWindows = await enc(t('environment.agg.1m'), 'window-result');
  const powerWindows = await enc(t('power.agg.1m'), 'window-result');
  // The enrich topology's fleet views (per site, per model), in the window-result schema.
  const siteWindows = await enc(t('environment.agg.site.1m'), 'window-result');
  const modelWindows = await enc(t('environment.agg.model.1m'), 'window-result');
  const anomalies = await enc(t('anomalies'), 'anomaly');
  const status = await enc(t('device-status'), 'device-status');
  const records: ProducerRecord[] = [];
  const push = (topic: string, key: string, value: Buffer, timestamp: number) =>
    records.push({ topic, key, value, timestamp });
  const start = Math.floor((now - 2 * 60 * MINUTE) / MINUTE) * MINUTE;
  const envDevices = [
    ['env-1', 'lyon'],
    ['env-2', 'lyon'],
    ['env-3', 'paris'],
    ['env-4', ''],
  ] as const;
  const powDevices = [
    ['pow-1', 'lyon'],
    ['pow-2', 'paris'],
  ] as const;
  const stats = (values: number[]) => {
    const sum = values.reduce((a, b) => a + b, 0);
    const mean = sum / values.length;
    const stddev = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    return {
      count: values.length,
      min: Math.min(...values),
      max: Math.max(...values),
      mean,
      sum,
      stddev,
      first: values[0]!,
      last: values.at(-1)!,
      p50: null,
      p95: null,
      p99: null,
    };
  };
  for (let m = 0; m < 120; m++) {
    const windowStart = start + m * MINUTE;
    for (const [id, site] of envDevices) {
      const temps: number[] = [];
      const hums: number[] = [];
      for (const s of [0, 30_000]) {
        const temperature = 20 + Math.sin((m * 2 + s / 30_000) / 10) * 3;
        const humidity = 45 + Math.cos(m / 7) * 5;
        temps.push(temperature);
        hums.push(humidity);
        push(
          t('environment'),
          id,
          environment.encodeSync({ deviceId: id, ts: windowStart + s, site, temperature, humidity, pressure: 1013 }),
          windowStart + s,
        );
      }
      const value = {
        deviceId: id,
        type: 'environment',
        site,
        windowStart,
        windowEnd: windowStart + MINUTE,
        fields: { temperature: stats(temps), humidity: stats(hums), pressure: stats([1013, 1013]) },
        count: 2,
        tags: {},
      };
      push(t('environment.agg.1m'), id, envWindows.encodeSync(value), windowStart + MINUTE);
    }
    const group = (key: string, count: number) => ({
      deviceId: '',
      type: 'environment',
      site: key,
      windowStart,
      windowEnd: windowStart + MINUTE,
      fields: { temperature: stats([20, 21].slice(0, Math.min(2, count))) },
      count,
      tags: {},
    });
    push(t('environment.agg.site.1m'), 'lyon', siteWindows.encodeSync(group('lyon', 4)), windowStart + MINUTE);
    push(t('environment.agg.site.1m'), 'paris', siteWindows.encodeSync(group('paris', 2)), windowStart + MINUTE);
    for (const [model, count] of [
      ['th-2', 4],
      ['th-3', 2],
    ] as const)
      push(
        t('environment.agg.model.1m'),
        model,
        modelWindows.encodeSync({ ...group('', count), tags: { model } }),
        windowStart + MINUTE,
      );
    for (const [id, site] of powDevices) {
      const p = 1500 + (m % 10) * 20;
      push(
        t('power'),
        id,
        power.encodeSync({
          deviceId: id,
          ts: windowStart,
          site,
          voltage: 230,
          current: p / 230,
          power: p,
          energy: 100 + m,
        }),
        windowStart,
      );
      const value = {
        deviceId: id,
        type: 'power',
        site,
        windowStart,
        windowEnd: windowStart + MINUTE,
        fields: { power: stats([p]), voltage: stats([230]), current: stats([p / 230]), energy: stats([100 + m]) },
        count: 1,
        tags: { floor: '2' },
      };
      push(t('power.agg.1m'), id, powerWindows.encodeSync(value), windowStart + MINUTE);
    }
  }
  const kinds = ['SPIKE', 'DIP', 'LEVEL_SHIFT', 'STUCK', 'OUT_OF_RANGE', 'MISSING'] as const;
  kinds.forEach((kind, i) => {
    const [id, site] = envDevices[i % envDevices.length]!;
    const ts = start + (10 + i * 15) * MINUTE;
    const value = {
      deviceId: id,
      type: 'environment',
      site,
      field: kind === 'MISSING' ? '' : 'temperature',
      ts,
      value: kind === 'MISSING' ? null : 35,
      kind,
      score: 0.6 + i * 0.05,
      expected: 21,
      lower: 18,
      upper: 24,
      detector: i % 2 === 0 ? 'zscore' : 'cusum',
      // incidents: some still open, some closed
      channel: i % 2 === 0 ? 'zscore' : 'cusum',
      status: i % 2 === 0 ? 'OPEN' : 'CLOSED',
      end: i % 2 === 0 ? null : ts + 3 * MINUTE,
      durationMs: i % 2 === 0 ? 0 : 3 * MINUTE,
      alarms: i % 2 === 0 ? 1 : 4,
    };
    push(t('anomalies'), id, anomalies.encodeSync(value), ts);
  });
  for (const [i, [id, site]] of powDevices.entries()) {
    const ts = start + (20 + i * 30) * MINUTE;
    const value = {
      deviceId: id,
      type: 'power',
      site,
      field: 'power',
      ts,
      value: 9000,
      kind: i === 0 ? 'SPIKE' : 'OUT_OF_RANGE',
      score: 0.9,
      expected: 1600,
      lower: 1400,
      upper: 1800,
      detector: 'zscore',
      channel: 'zscore',
      status: 'CLOSED',
      end: ts + MINUTE,
      durationMs: MINUTE,
      alarms: 2,
    };
    push(t('anomalies'), id, anomalies.encodeSync(value), ts);
  }
  for (const [i, [id, site]] of [...envDevices, ...powDevices].entries()) {
    const off = start + (30 + i) * MINUTE;
    push(
      t('device-status'),
      id,
      status.encodeSync({
        deviceId: id,
        site,
        status: 'OFFLINE',
        ts: off,
        reason: 'silent',
        lastSeen: off - 3 * MINUTE,
      }),
      off,
    );
    if (i % 2 === 0) {
      push(
        t('device-status'),
        id,
        status.encodeSync({
          deviceId: id,
          site,
          status: 'ONLINE',
          ts: off + 5 * MINUTE,
          reason: 'back',
          lastSeen: off + 5 * MINUTE,
        }),
        off + 5 * MINUTE,
      );
    }
  }
  return { records, topics: [...new Set(records.map((r) => r.topic))] };
}

describe('dashboards against the real InfluxDB', () => {
  it(
    'every InfluxDB panel query and annotation returns data; the sink exposes the metrics the Prometheus panels read',
    {
      timeout: 300_000,
    },
    async ({ onTestFinished }) => {
      const name = uniqueName('dash').replace(/-/g, '_');
      const database = `iotp_${name}`;
      const admin = influxQl({
        url: env.INFLUX_URL!,
        database: 'telemetry',
        username: env.INFLUX_USERNAME,
        password: env.INFLUX_PASSWORD,
      });
      await admin.query(`CREATE DATABASE "${database}"`);
      onTestFinished(async () => {
        await admin.query(`DROP DATABASE "${database}"`);
      });
      // Grafana's datasource sends "Authorization: Token <INFLUX_TOKEN>" (grafana/provisioning): so does this client.
      const [user, password] = env.INFLUX_TOKEN!.split(':');
      const q = influxQl({ url: env.INFLUX_URL!, database, username: user, password });

      const prefix = `${name}.`;
      const now = Date.now();
      const fleet = await fleetData(prefix, now);
      const kafka = kafkaFor(env, `${name}-test`);
      const kadmin = kafka.admin();
      await kadmin.connect();
      const dlq = `${prefix}dlq`;
      onTestFinished(async () => {
        await kadmin.deleteTopics([...fleet.topics, dlq]).catch(() => undefined);
        await kadmin.disconnect();
      });
      await kadmin.createTopics([...fleet.topics, dlq].map((topic) => ({ topic, partitions: 2 })));
      const producer = kafka.producer();
      await producer.connect();
      await producer.send(fleet.records);
      await producer.disconnect();

      const groupId = `${name}-sink`;
      const settings = settingsFor({
        ...env,
        INFLUX_API: 'v1',
        INFLUX_DB: database,
        IOTP_SINK__TOPICS: `[${fleet.topics.join(', ')}]`,
        IOTP_SINK__TOPIC_PREFIX: prefix,
        IOTP_SINK__GROUP_ID: groupId,
        IOTP_SINK__LINGER: '100ms',
        IOTP_KAFKA__TOPICS__DLQ: dlq,
        IOTP_SINK__LAG_INTERVAL: '300ms',
      });
      const { sink, registry, fatal } = await startSinkHere(env, settings);
      onTestFinished(() => sink.stop());
      await waitUntil(
        'the sink wrote the fleet data',
        () => {
          throwIfFatal(fatal);
          return allCommitted(kadmin, groupId, fleet.topics, fleet.records.length);
        },
        120_000,
      );
      expect(sink.stats().deadLetters).toBe(0);
      expect((await q.rows('SHOW MEASUREMENTS')).map((r) => r.name).sort()).toEqual(
        [
          'anomalies',
          'device_status',
          'environment',
          'environment_1m',
          'environment_1m_by_model',
          'environment_1m_by_site',
          'power',
          'power_1m',
        ].sort(),
      );

      const ctx = { fromMs: now - 3 * 60 * MINUTE, toMs: now, intervalMs: MINUTE };
      const run = async (statement: string) => (await q.query(statement)).series;
      const checked = await expectDashboardsReturnData(run, ctx, (type) => ({
        deviceId: type === 'power' ? 'pow-1' : 'env-1',
      }));
      expect(checked).toBeGreaterThan(30);

      const exposed = await registry.metrics();
      const sinkMetrics = Object.values(METRIC).filter(
        (m) => m.emittedBy.includes('*') || m.emittedBy.includes(COMPONENT.influxdbSink),
      );
      for (const m of sinkMetrics)
        expect(exposed, `the sink exposes ${m.name}`).toMatch(new RegExp(`^# TYPE ${m.name} ${m.type}$`, 'm'));
    },
  );
});
