/**
 * The device registry's consumers on the real stack (issue 16, part 2), each on a compacted
 * registry topic of the test's own, read live:
 * - `iotp sink influxdb`: a registered device's points carry its model, firmware and registry tags
 *   (an unregistered device's do not), and an update written after the start changes the tags of
 *   later points, without a restart;
 * - `iotp streams run detect`: a reading beyond a device's own limit (inside the schema's range)
 *   is an OUT_OF_RANGE incident, and a limit changed after the start takes effect without a restart.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  kafkaFor,
  recentStart,
  registryAndEncoder,
  schemaFile,
  spawnSink,
  tempDatabase,
  waitUntil,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import {
  type DeviceRecord,
  type DeviceSerde,
  deviceSerde,
  emptyRecord,
  writeRegistryRecords,
} from '../../lib/devices/index.js';
import { quoteIdent } from '../../lib/influx/influxql-client.js';
import type { KafkaClient } from '../../lib/kafka/types.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import {
  createAvroDecoder,
  createAvroEncoder,
  createSchemaRegistryClient,
  loadSchemaFile,
} from '../../lib/serde/index.js';
import type { AnomalyRecord } from '../../streams/topologies/detect/anomaly-record.js';
import { testPipeline } from '../../streams/topologies/test-support/pipeline-fixture.js';
import { spawnIotp } from '../helpers/child-process.js';
import { createTopics, deleteTopics } from '../helpers/kafka.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();

/** A compacted registry topic of the test's own and a serde to write it. */
async function registryTopic(kafka: KafkaClient, topic: string): Promise<DeviceSerde> {
  await createTopics(kafka, [{ topic, partitions: 2, config: { 'cleanup.policy': 'compact' } }]);
  return deviceSerde({
    registry: createSchemaRegistryClient({ url: env.SCHEMA_REGISTRY_URL as string, ...registryAuthFromEnv(env) }),
    schema: loadSchemaFile(join(repoRoot, 'schemas', 'device.avsc')),
    topic,
    autoRegister: true,
  });
}

describe('InfluxDB sink: registry tags on the points of a registered device', () => {
  const name = uniqueName('regsink');
  const devicesTopic = `${name}.devices`;
  const topic = `${name}.env`;
  const dlq = `${name}.dlq`;
  const measurement = topic.replace(/[.-]/g, '_');
  let kafka: KafkaClient;
  let serde: DeviceSerde;

  beforeAll(async () => {
    kafka = kafkaFor(env, `${name}-test`);
    serde = await registryTopic(kafka, devicesTopic);
    await createTopics(kafka, [
      { topic, partitions: 2 },
      { topic: dlq, partitions: 1 },
    ]);
  });

  afterAll(async () => {
    await deleteTopics(kafka, [devicesTopic, topic, dlq]);
  });

  it('model, firmware and tags from the registry; an update after the start applies to later points', async ({
    onTestFinished,
  }) => {
    const known = uniqueName('known');
    const stranger = uniqueName('stranger');
    const record = (over: Partial<DeviceRecord>): DeviceRecord => ({
      ...emptyRecord(known),
      site: 'registry-site',
      model: 'th-2',
      firmware: '1.4.0',
      tags: { building: 'b 1', site: 'not-this-one' },
      ...over,
    });
    await writeRegistryRecords(kafka, devicesTopic, serde, { records: [record({})] });

    const db = await tempDatabase(env, 'iotp_regsink');
    onTestFinished(() => db.drop());
    const sink = spawnSink({
      ...db.env,
      INFLUX_API: 'v1',
      IOTP_SINK__TOPICS: `[${topic}]`,
      IOTP_SINK__TOPIC_PREFIX: '',
      IOTP_SINK__GROUP_ID: `${name}-sink`,
      IOTP_SINK__LINGER: '100ms',
      IOTP_KAFKA__TOPICS__DLQ: dlq,
      IOTP_DEVICES__ENABLED: 'true',
      IOTP_DEVICES__TOPIC: devicesTopic,
      LOG_LEVEL: 'info',
      METRICS_PORT: String(await freePort()),
      SINK_REPLICA_ID: `${name}-r1`,
    });
    onTestFinished(async () => {
      await sink.stop();
    });
    expect(await sink.waitReady(60_000), sink.output().slice(-3000)).toBe(true);

    const { encoder } = await registryAndEncoder(env, topic, schemaFile('environment'));
    const start = recentStart();
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const send = async (deviceId: string, second: number) =>
      producer.send([
        {
          topic,
          key: deviceId,
          value: encoder.encodeSync({
            deviceId,
            ts: start + second * 1000,
            site: 'lyon',
            temperature: 20 + second,
            humidity: null,
            pressure: null,
          }),
          timestamp: start + second * 1000,
        },
      ]);
    const points = async () =>
      (
        await db.q.rows(
          `SELECT "temperature", "deviceId", "site", "model", "firmware", "building" FROM ${quoteIdent(measurement)}`,
        )
      ).map((r) => ({
        second: ((r.time as number) - start) / 1000,
        deviceId: r.deviceId,
        site: r.site,
        model: r.model ?? null,
        firmware: r.firmware ?? null,
        building: r.building ?? null,
      }));

    await send(known, 0);
    await send(stranger, 0);
    await waitUntil(
      () => `two points (${sink.output().slice(-2000)})`,
      async () => (await points().catch(() => [])).length === 2,
      30_000,
    );
    // The record's site wins over the registry's tag of that name; the stranger has no registry tags.
    expect(await points()).toEqual(
      expect.arrayContaining([
        { second: 0, deviceId: known, site: 'lyon', model: 'th-2', firmware: '1.4.0', building: 'b 1' },
        { second: 0, deviceId: stranger, site: 'lyon', model: null, firmware: null, building: null },
      ]),
    );

    const written = Date.now();
    await writeRegistryRecords(kafka, devicesTopic, serde, {
      records: [record({ firmware: '2.0.0', tags: { building: 'b2' } })],
    });
    await sink.waitForLog('device registry change', 15_000);
    const appliedMs = Date.now() - written;
    await send(known, 1);
    await waitUntil('the point after the update', async () => (await points()).some((p) => p.second === 1), 30_000);
    const after = (await points()).filter((p) => p.deviceId === known);
    expect(after).toEqual(
      expect.arrayContaining([
        { second: 0, deviceId: known, site: 'lyon', model: 'th-2', firmware: '1.4.0', building: 'b 1' },
        { second: 1, deviceId: known, site: 'lyon', model: 'th-2', firmware: '2.0.0', building: 'b2' },
      ]),
    );
    expect(appliedMs).toBeLessThan(15_000);
    expect(sink.alive).toBe(true);
  }, 120_000);
});

describe('detect worker: per-device limits from the registry', () => {
  it("a reading beyond the device's own limit (inside the schema's range) is OUT_OF_RANGE; a limit changed after the start applies without a restart", async ({
    onTestFinished,
  }) => {
    const prefix = uniqueName('regdet');
    const devicesTopic = `${prefix}.devices`;
    const pipeline = await testPipeline(env, prefix, {
      partitions: 2,
      // The fixture writes these lines under `streams:`; the last three are a section of their own,
      // so the pipeline's registry is a topic of this test (created, registered and deleted with it).
      streams: [
        '  processingGuarantee: exactly_once',
        '  commitInterval: 200ms',
        'devices:',
        '  enabled: true',
        `  topic: ${devicesTopic}`,
      ].join('\n'),
      detectors: [
        '  defaults: { cooldown: 1s }',
        '  combined: { enabled: false }',
        '  missing: { enabled: false }',
      ].join('\n'),
    });
    onTestFinished(() => pipeline.cleanup());
    const { config } = pipeline;
    expect(config.devices).toMatchObject({ enabled: true, topic: devicesTopic });
    const kafka = kafkaFor(env, `${prefix}-test`);
    const schemaRegistry = createSchemaRegistryClient({ url: config.registry.url, ...registryAuthFromEnv(env) });
    const serde = deviceSerde({
      registry: schemaRegistry,
      schema: loadSchemaFile(join(repoRoot, 'schemas', 'device.avsc')),
      topic: devicesTopic,
      autoRegister: true,
    });
    const limited = (max: number): DeviceRecord => ({
      ...emptyRecord('dev-lim'),
      limits: { temperature: { min: null, max } },
    });
    await writeRegistryRecords(kafka, devicesTopic, serde, { records: [limited(30)] });

    const worker = spawnIotp(['streams', 'run', 'detect', '--config', pipeline.file], { logLevel: 'info' });
    onTestFinished(async () => {
      await worker.stop();
    });
    expect(await worker.waitReady(90_000), worker.output().slice(-3000)).toBe(true);

    const route = config.readingRoutes.find((r) => r.type === 'environment');
    if (!route) throw new Error('no environment route');
    const encoder = createAvroEncoder({ registry: schemaRegistry, subject: route.subject, schema: route.schema });
    await encoder.schemaId();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const T0 = recentStart();
    const send = (deviceId: string, second: number, temperature: number) =>
      producer.send([
        {
          topic: route.topic,
          key: deviceId,
          value: encoder.encodeSync({
            deviceId,
            ts: T0 + second * 1000,
            site: 'lab',
            temperature,
            humidity: 50,
            pressure: 1013,
          }),
          timestamp: T0 + second * 1000,
        },
      ]);
    const decoder = createAvroDecoder<AnomalyRecord>({
      registry: schemaRegistry,
      reader: config.outputSchemas.anomaly,
    });
    const opened = async (): Promise<AnomalyRecord[]> => {
      const values: Buffer[] = [];
      await kafka.replay({
        topic: config.kafka.topics.anomalies,
        partitions: [0, 1],
        isolation: 'read_committed',
        onRecords: (records) => {
          for (const r of records) if (r.value) values.push(r.value);
        },
      });
      const all = await Promise.all(values.map(async (v) => (await decoder.decode(v)).value));
      return all.filter((a) => a.status === 'OPEN').sort((a, b) => a.ts - b.ts);
    };
    const summary = (list: AnomalyRecord[]) =>
      list.map((a) => [a.deviceId, a.kind, a.field, (a.ts - T0) / 1000, a.value, a.upper]);

    for (const [second, temperature] of [
      [0, 20],
      [1, 21],
      [2, 32],
      [3, 20],
    ] as const) {
      await send('dev-lim', second, temperature);
      await send('dev-free', second, temperature);
    }
    await waitUntil(
      () => `the first incident (${worker.output().slice(-2000)})`,
      async () => (await opened()).length > 0,
      60_000,
    );
    expect(summary(await opened())).toEqual([['dev-lim', 'OUT_OF_RANGE', 'temperature', 2, 32, 30]]);

    await writeRegistryRecords(kafka, devicesTopic, serde, { records: [limited(40)] });
    await worker.waitForLog('device registry change', 15_000);
    for (const [second, temperature] of [
      [10, 35],
      [11, 20],
      [20, 45],
      [21, 20],
    ] as const)
      await send('dev-lim', second, temperature);
    await waitUntil(
      () => `the second incident (${worker.output().slice(-2000)})`,
      async () => (await opened()).length > 1,
      60_000,
    );
    expect(summary(await opened())).toEqual([
      ['dev-lim', 'OUT_OF_RANGE', 'temperature', 2, 32, 30],
      ['dev-lim', 'OUT_OF_RANGE', 'temperature', 20, 45, 40],
    ]);
    expect(worker.alive).toBe(true);
  }, 180_000);
});
