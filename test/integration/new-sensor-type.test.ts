/**
 * The data team's promise, end to end on the real servers: a sensor type nobody wrote code for (a
 * new .avsc and one route entry, in a config of its own) is published over MQTT, imported by the
 * connector, aggregated by the streams worker and written by the sink: its fields arrive aggregated
 * in InfluxDB with the values computed here from what was published.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { influxql } from '../../demo/collect.js';
import { WorkerProcess } from '../../demo/worker-process.js';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { stackEnv } from '../helpers/stack.js';

const run = promisify(execFile);
const env = stackEnv();
const id = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const type = `airq${id}`;
const prefix = `nst${id}.`;
const dir = mkdtempSync(join(tmpdir(), 'iotp-new-type-'));
const workers: WorkerProcess[] = [];

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  const admin = createKafkaClient(kafkaConfigFromEnv(env, { clientId: 'new-type-cleanup' })).admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix) || t.startsWith(`nst-app-${id}`));
  await admin.deleteTopics(topics).catch(() => {});
  await admin.disconnect();
});

function writeSchemaAndConfig(): string {
  const schemas = join(dir, 'schemas');
  mkdirSync(schemas);
  for (const f of readdirSync(join(repoRoot, 'schemas')).filter((f) => f.endsWith('.avsc')))
    copyFileSync(join(repoRoot, 'schemas', f), join(schemas, f));
  // 1. the new schema
  writeFileSync(
    join(schemas, `${type}.avsc`),
    JSON.stringify({
      type: 'record',
      name: 'AirQualityReading',
      namespace: `iotp.test.${type}`,
      doc: 'Indoor air quality (a sensor type added without code).',
      fields: [
        { name: 'deviceId', type: 'string' },
        { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'site', type: 'string', default: '' },
        { name: 'co2', type: ['null', 'double'], default: null, doc: 'unit: ppm; range: 0..10000' },
        { name: 'pm25', type: ['null', 'double'], default: null, doc: 'unit: µg/m³; range: 0..1000' },
      ],
    }),
  );
  // 2. one route entry (in a config of its own, with private topics and groups)
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(
    file,
    `version: 1
kafka:
  brokers: \${KAFKA_BROKERS}
  topics: { dlq: ${prefix}dlq, anomalies: ${prefix}anomalies, deviceStatus: ${prefix}device-status, partitions: 2 }
registry: { url: "\${SCHEMA_REGISTRY_URL}", username: "\${SCHEMA_REGISTRY_USERNAME}", password: "\${SCHEMA_REGISTRY_PASSWORD}", schemasDir: schemas }
routes:
  - type: ${type}
    mqtt: sensors/{site}/{deviceId}/${type}
    topic: ${prefix}${type}
streams:
  applicationId: nst-app-${id}
  windows: [{ size: 5s, grace: 1s }]
  lateTopic: ${prefix}late
  idleTimeout: 2s
  commitInterval: 500ms
sink:
  influx: { url: "\${INFLUX_URL}", api: v2, bucket: "\${INFLUX_BUCKET}", org: '-', token: "\${INFLUX_TOKEN}" }
  groupId: nst-sink-${id}
  topicPrefix: ${prefix}
  linger: 200ms
mqtt:
  url: \${MQTT_URL}
  shareGroup: nst${id}
  clientId: nst-${id}
`,
  );
  return file;
}

describe('a new sensor type: a schema and a route, no code', () => {
  it('arrives aggregated in InfluxDB', { timeout: 300_000 }, async () => {
    const config = writeSchemaAndConfig();
    const workerEnv = { ...env, IOTP_CONFIG: config };
    await run(join(repoRoot, 'bin', 'iotp'), ['setup', '--config', config], {
      cwd: repoRoot,
      env: { ...process.env, ...workerEnv },
    });
    for (const [name, args] of [
      ['source', ['connect', 'mqtt-source', '--replica', 'a']],
      ['aggregate', ['streams', 'run', 'aggregate']],
      ['sink', ['sink', 'influxdb']],
    ] as const) {
      const w = new WorkerProcess({ name: `${type}-${name}`, args: [...args], logDir: dir, env: workerEnv });
      workers.push(w);
      await w.start();
    }
    await Promise.all(workers.map((w) => w.waitReady(120_000)));

    // 4 devices x 30 readings, 500 ms apart in event time: three 5-second windows each
    const base = Math.floor(Date.now() / 5000) * 5000 - 20_000;
    const published: { deviceId: string; ts: number; co2: number; pm25: number }[] = [];
    const client = await mqtt.connectAsync(env.MQTT_URL!, { reconnectPeriod: 0 });
    // in event-time order across devices: devices share partitions, and a window closes for its
    // whole partition once stream time passes its end + grace
    for (let i = 0; i < 30; i++) {
      for (let d = 0; d < 4; d++) {
        const reading = {
          deviceId: `${type}-dev${d}`,
          ts: base + i * 500,
          co2: 400 + d * 10 + ((i * 7) % 13),
          pm25: 5 + (i % 4) * 0.5,
        };
        published.push(reading);
        await client.publishAsync(`sensors/lab/${reading.deviceId}/${type}`, JSON.stringify(reading), { qos: 1 });
      }
    }
    await client.endAsync();

    // what the windows must hold, computed here from what was published
    const expected = new Map<string, { count: number; min: number; max: number; sum: number }>();
    for (const r of published) {
      const key = `${r.deviceId}|${Math.floor(r.ts / 5000) * 5000}`;
      const e = expected.get(key) ?? { count: 0, min: Infinity, max: -Infinity, sum: 0 };
      e.count += 1;
      e.min = Math.min(e.min, r.co2);
      e.max = Math.max(e.max, r.co2);
      e.sum += r.co2;
      expected.set(key, e);
    }

    const access = {
      url: env.INFLUX_URL!,
      db: env.INFLUX_DB!,
      username: env.INFLUX_USERNAME,
      password: env.INFLUX_PASSWORD,
    };
    const q = `SELECT co2_count, co2_min, co2_max, co2_mean FROM "${type}_5s" WHERE time >= ${base}ms GROUP BY deviceId`;
    let rows: { deviceId: string; start: number; count: number; min: number; max: number; mean: number }[] = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const series = (await influxql(access, q).catch(() => [])) as {
        tags?: { deviceId: string };
        values: number[][];
      }[];
      rows = series.flatMap((s) =>
        s.values.map(([start, count, min, max, mean]) => ({
          deviceId: s.tags!.deviceId,
          start: start!,
          count: count!,
          min: min!,
          max: max!,
          mean: mean!,
        })),
      );
      if (rows.length >= expected.size) break;
      await sleep(1000);
    }
    expect(rows.length).toBe(expected.size);
    for (const row of rows) {
      const e = expected.get(`${row.deviceId}|${row.start}`);
      expect(e, `unexpected window ${row.deviceId} ${row.start}`).toBeDefined();
      expect(row.count).toBe(e!.count);
      expect(row.min).toBe(e!.min);
      expect(row.max).toBe(e!.max);
      expect(row.mean).toBeCloseTo(e!.sum / e!.count, 9);
    }
    // and the raw readings of the new type are there too, one point each
    const raw = await influxql(access, `SELECT count(co2) FROM "${type}" WHERE time >= ${base}ms`);
    expect(raw[0]?.values[0]?.[1]).toBe(published.length);
  });
});
