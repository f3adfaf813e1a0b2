/**
 * Points/s written by one InfluxDB sink replica, v1 and v2 API, for several batch sizes, against the
 * local stack (real Kafka, registry, InfluxDB 1.8.10).
 *
 *   node_modules/.bin/tsx bench/sink/sink-throughput.ts [--records 50000] [--batches 1000,5000,10000]
 *     [--apis v1,v2] [--partitions 4] [--devices 500]
 *
 * Two measures per (api, batch size):
 * - writer: encoded lines written with deliverBatch straight to InfluxDB (no Kafka): the HTTP path;
 * - sink: the whole replica (consume Avro from Kafka, decode, map, buffer, write, commit) from start to
 *   the last offset committed, over records produced beforehand (a backlog, as after an outage).
 * Each run writes a new measurement in a database of its own, dropped at the end.
 */
import { parseArgs } from 'node:util';
import { deliverBatch } from '../../connectors/influxdb-sink/deliver-batch.js';
import { encodePoint } from '../../connectors/influxdb-sink/line-protocol.js';
import type { Point } from '../../connectors/influxdb-sink/point.js';
import { retryPolicy } from '../../connectors/influxdb-sink/retry-policy.js';
import { createWriter } from '../../connectors/influxdb-sink/run-influxdb-sink.js';
import {
  allCommitted,
  kafkaFor,
  makeReadings,
  recentStart,
  registryAndEncoder,
  schemaFile,
  settingsFor,
  startSinkHere,
  throwIfFatal,
  waitUntil,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import { influxQl } from '../../lib/influx/influxql-client.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '50000' },
    batches: { type: 'string', default: '1000,5000,10000' },
    apis: { type: 'string', default: 'v1,v2' },
    partitions: { type: 'string', default: '4' },
    devices: { type: 'string', default: '500' },
  },
});
const total = Number(values.records);
const batches = values.batches.split(',').map(Number);
const apis = values.apis.split(',') as Array<'v1' | 'v2'>;
const env = loadStackEnv();
const run = `b${Date.now().toString(36)}`;
const database = `iotp_bench_${run}`;
const admin = influxQl({
  url: env.INFLUX_URL!,
  database: 'telemetry',
  username: env.INFLUX_USERNAME,
  password: env.INFLUX_PASSWORD,
});

interface Row {
  api: string;
  batch: number;
  writerPointsPerS: number;
  sinkPointsPerS: number;
  sinkSeconds: number;
}

function baseEnv(api: 'v1' | 'v2', batch: number, topic: string, group: string): Record<string, string> {
  return {
    ...env,
    INFLUX_API: api,
    INFLUX_DB: database,
    INFLUX_BUCKET: `${database}/autogen`,
    IOTP_SINK__TOPICS: `[${topic}]`,
    IOTP_SINK__TOPIC_PREFIX: '',
    IOTP_SINK__GROUP_ID: group,
    IOTP_SINK__BATCH_SIZE: String(batch),
    IOTP_SINK__LINGER: '200ms',
    IOTP_KAFKA__TOPICS__DLQ: `${run}.dlq`,
    IOTP_SINK__LAG_INTERVAL: '60000ms',
  };
}

async function writerRate(api: 'v1' | 'v2', batch: number): Promise<number> {
  const settings = settingsFor(baseEnv(api, batch, 'unused', 'unused'));
  const writer = createWriter(settings);
  const measurement = `writer_${api}_${batch}`;
  const points: Point[] = makeReadings(total, Number(values.devices), recentStart()).map((r) => ({
    measurement,
    tags: { deviceId: r.deviceId, site: r.site },
    fields: {
      temperature: { kind: 'float', value: r.temperature ?? 0 },
      humidity: { kind: 'float', value: r.humidity ?? 0 },
    },
    timestampMs: r.ts,
  }));
  const lines = points.map(encodePoint);
  const deps = {
    writer,
    policy: retryPolicy(),
    now: Date.now,
    random: Math.random,
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    maxRetries: 10,
  };
  const started = performance.now();
  for (let i = 0; i < points.length; i += batch) {
    const result = await deliverBatch(points.slice(i, i + batch), lines.slice(i, i + batch), deps);
    if (result.rejected.length > 0) throw new Error(`rejected: ${result.rejected[0]?.message}`);
  }
  return total / ((performance.now() - started) / 1000);
}

async function sinkRate(api: 'v1' | 'v2', batch: number, topic: string): Promise<{ rate: number; seconds: number }> {
  const group = `${run}-${api}-${batch}`;
  const settings = settingsFor(baseEnv(api, batch, topic, group));
  settings.mapping.prefix = `${run}.`; // measurement = the topic's type part, one per run below
  const kafka = kafkaFor(env, `${group}-admin`);
  const kadmin = kafka.admin();
  await kadmin.connect();
  const started = performance.now();
  const { sink, fatal } = await startSinkHere(env, settings);
  await waitUntil(
    'the sink committed the backlog',
    () => {
      throwIfFatal(fatal);
      return allCommitted(kadmin, group, [topic], total);
    },
    600_000,
  );
  const seconds = (performance.now() - started) / 1000;
  await sink.stop();
  await kadmin.disconnect();
  return { rate: total / seconds, seconds };
}

async function main(): Promise<void> {
  await admin.query(`CREATE DATABASE "${database}"`);
  const kafka = kafkaFor(env, `${run}-bench`);
  const kadmin = kafka.admin();
  await kadmin.connect();
  const topics: string[] = [];
  try {
    const rows: Row[] = [];
    for (const api of apis) {
      for (const batch of batches) {
        // One topic per run, so each sink run writes its own measurement (no overwrite shortcut).
        const topic = `${run}.${api}_${batch}`;
        topics.push(topic);
        await kadmin.createTopics([{ topic, partitions: Number(values.partitions) }]);
        const { encoder } = await registryAndEncoder(env, topic, schemaFile('environment'));
        const producer = kafka.producer();
        await producer.connect();
        const readings = makeReadings(total, Number(values.devices), recentStart());
        for (let i = 0; i < total; i += 5000) {
          await producer.send(
            readings
              .slice(i, i + 5000)
              .map((r) => ({ topic, key: r.deviceId, value: encoder.encodeSync(r), timestamp: r.ts })),
          );
        }
        await producer.disconnect();
        const writerPointsPerS = await writerRate(api, batch);
        const sink = await sinkRate(api, batch, topic);
        rows.push({ api, batch, writerPointsPerS, sinkPointsPerS: sink.rate, sinkSeconds: sink.seconds });
        process.stderr.write(
          `${api} batch ${batch}: writer ${Math.round(writerPointsPerS)} points/s, sink ${Math.round(sink.rate)} points/s\n`,
        );
      }
    }
    process.stdout.write(
      `\n${total} points per run, ${values.devices} devices, ${values.partitions} partitions, backend ${env.KAFKA_BACKEND ?? 'kafkajs'}\n\n`,
    );
    process.stdout.write(
      '| API | batch size | writer only (points/s) | sink replica (points/s) | sink run (s) |\n|---|---|---|---|---|\n',
    );
    for (const r of rows) {
      process.stdout.write(
        `| ${r.api} | ${r.batch} | ${Math.round(r.writerPointsPerS)} | ${Math.round(r.sinkPointsPerS)} | ${r.sinkSeconds.toFixed(1)} |\n`,
      );
    }
  } finally {
    await kadmin.deleteTopics([...topics, `${run}.dlq`]).catch(() => undefined);
    await kadmin.disconnect();
    await admin.query(`DROP DATABASE "${database}"`);
  }
}

await main();
