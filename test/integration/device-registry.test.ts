/**
 * The device registry on the real stack (issue 16): `iotp devices add|update|show|import|remove`
 * round trip on a compacted topic of the test's own, and a running MQTT source that reads it
 * live: a gateway granted a leaf after the start goes from DEVICE_SPOOFED to accepted without a
 * restart, and an unknown device under `unknownDevice: dead-letter` is an UNKNOWN_DEVICE dead letter.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MqttSource, startMqttSource } from '../../connectors/mqtt-source/connector.js';
import { connectPublisher } from '../../connectors/mqtt-source/test-support/publish.js';
import { createScenario, type Scenario } from '../../connectors/mqtt-source/test-support/scenario.js';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import {
  type DeviceRecord,
  type DeviceSerde,
  deviceSerde,
  emptyRecord,
  openRegistryView,
  type RegistryView,
  writeRegistryRecords,
} from '../../lib/devices/index.js';
import type { ConsumedRecord, KafkaClient } from '../../lib/kafka/types.js';
import { silentLogger } from '../../lib/runtime/log.js';
import { loadStackEnv, repoRoot } from '../../lib/runtime/stack-env.js';
import { createSchemaRegistryClient, loadSchemaFile } from '../../lib/serde/index.js';
import { createTopics, deleteTopics, readTopic, kafkaClientOn as testKafka } from '../helpers/kafka.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const run = promisify(execFile);
const env = stackEnv();
const topic = uniqueName('devices-it');
const cliEnv = { ...process.env, IOTP_DEVICES__TOPIC: topic, IOTP_REGISTRY__AUTO_REGISTER: 'true' };
let kafka: KafkaClient;
let serde: DeviceSerde;
let dir: string;

async function iotp(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(join(repoRoot, 'bin', 'iotp'), ['devices', ...args], { timeout: 60_000, env: cliEnv });
}

async function iotpFails(...args: string[]): Promise<string> {
  try {
    await iotp(...args);
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error(`iotp devices ${args.join(' ')} succeeded`);
}

beforeAll(async () => {
  kafka = testKafka(env.KAFKA_BROKERS as string);
  await createTopics(kafka, [{ topic, partitions: 2, config: { 'cleanup.policy': 'compact' } }]);
  const registry = createSchemaRegistryClient({
    url: env.SCHEMA_REGISTRY_URL as string,
    ...registryAuthFromEnv(loadStackEnv()),
  });
  serde = deviceSerde({
    registry,
    schema: loadSchemaFile(join(repoRoot, 'schemas', 'device.avsc')),
    topic,
    autoRegister: true,
  });
  dir = mkdtempSync(join(tmpdir(), 'iotp-devices-'));
});

afterAll(async () => {
  await deleteTopics(kafka, [topic]);
  rmSync(dir, { recursive: true, force: true });
});

describe('iotp devices: the registry round trip on Kafka', () => {
  it('add, update, show, import --dry-run, import, remove, list', async () => {
    const d1 = uniqueName('reg-d1');
    const d2 = uniqueName('reg-d2');
    const added = JSON.parse(
      (
        await iotp(
          'add',
          d1,
          '--site',
          's1',
          '--model',
          'm1',
          '--firmware',
          '1.0',
          '--tag',
          'floor=2',
          '--limit',
          'temperature=-40:85',
          '--json',
        )
      ).stdout,
    ) as { registry: { record: DeviceRecord; written: boolean } };
    expect(added.registry.written).toBe(true);
    expect(added.registry.record).toMatchObject({
      site: 's1',
      tags: { floor: '2' },
      limits: { temperature: { min: -40, max: 85 } },
    });
    expect(await iotpFails('add', d1, '--site', 's1')).toMatch(/already in the registry/);

    const updated = (await iotp('update', d1, '--firmware', '1.1', '--tag', 'floor=')).stdout;
    expect(updated).toContain('~ firmware: 1.0 -> 1.1');
    expect(updated).toContain('- tags.floor (was 2)');
    const shown = JSON.parse((await iotp('show', d1, '--json')).stdout) as DeviceRecord;
    expect(shown).toMatchObject({ deviceId: d1, site: 's1', model: 'm1', firmware: '1.1', tags: {} });
    expect(shown.updatedAt).toBeGreaterThan(0);

    const csv = join(dir, 'fleet.csv');
    writeFileSync(
      csv,
      `deviceId,site,model,firmware,tags,limits\n${d1},s9,m1,1.1,,temperature=-40:85\n${d2},s2,m2,2.0,owner=ops,\n`,
    );
    const dry = (await iotp('import', csv, '--dry-run')).stdout;
    expect(dry).toContain(`~ ${d1}`);
    expect(dry).toContain('~ site: s1 -> s9');
    expect(dry).toContain(`+ ${d2} (new)`);
    expect(dry).toContain('+ tags.owner = ops');
    expect(dry).toContain('dry run: nothing written');
    expect(await iotpFails('show', d2)).toMatch(/is not in the registry/);

    expect((await iotp('import', csv)).stdout).toContain('2 record(s) written');
    expect(JSON.parse((await iotp('show', d2, '--json')).stdout)).toMatchObject({ site: 's2', tags: { owner: 'ops' } });
    expect((await iotp('import', csv, '--dry-run')).stdout).toContain('0 added, 0 changed, 0 removed, 2 unchanged');

    expect((await iotp('remove', d1)).stdout).toContain(`removed '${d1}'`);
    expect(await iotpFails('show', d1)).toMatch(/is not in the registry/);
    const listing = JSON.parse((await iotp('list', '--json')).stdout) as {
      devices: { deviceId: string; record?: DeviceRecord }[];
    };
    expect(listing.devices.find((d) => d.deviceId === d2)?.record?.site).toBe('s2');
    expect(listing.devices.find((d) => d.deviceId === d1)).toBeUndefined();
  });
});

describe('a running MQTT source reads the registry live', () => {
  let scenario: Scenario;
  let view: RegistryView;
  let source: MqttSource;
  const metrics = new Registry();
  const gateway = uniqueName('gw');
  const leaf = uniqueName('leaf');
  const stranger = uniqueName('stranger');

  beforeAll(async () => {
    scenario = createScenario(env, kafka, 'devreg');
    await scenario.createTopics();
    // The gateway and its leaf are known devices; the gateway may not speak for the leaf yet.
    await writeRegistryRecords(kafka, topic, serde, {
      records: [{ ...emptyRecord(gateway), site: 'lab' }, emptyRecord(leaf)],
    });
    view = await openRegistryView({ kafka, topic, serde, log: silentLogger(), clientId: uniqueName('devreg-view') });
    const options = scenario.options({ extra: { devices: { unknownDevice: 'dead-letter' } } });
    source = await startMqttSource(options, {
      kafka,
      registry: createSchemaRegistryClient({ url: options.registry.url, ...registryAuthFromEnv(loadStackEnv()) }),
      metrics,
      log: silentLogger(),
      setReady: () => {},
      devices: view,
    });
  });

  afterAll(async () => {
    await source?.stop();
    await view?.close();
    await scenario?.deleteTopics();
  });

  async function waitFor(
    t: string,
    pick: (r: ConsumedRecord) => boolean,
    timeoutMs = 20_000,
  ): Promise<ConsumedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await readTopic(kafka, t)).filter(pick);
      if (found.length > 0 || Date.now() > deadline) return found;
      await sleep(250);
    }
  }

  it('a gateway granted a leaf after the start: DEVICE_SPOOFED before, accepted after, no restart', async () => {
    expect(view.has(gateway)).toBe(true);
    const client = await connectPublisher(env.MQTT_URL as string, { protocolVersion: 5 });
    try {
      const batch = (temperature: number) => JSON.stringify([{ deviceId: leaf, temperature }]);
      await client.publishAsync(scenario.readingTopic(gateway), batch(1), { qos: 1 });
      const spoofed = await waitFor(scenario.topics.dlq, (r) => r.key?.toString() === gateway);
      expect(spoofed[0]?.headers['error.reason']).toBe('DEVICE_SPOOFED');

      const granted = Date.now();
      await writeRegistryRecords(kafka, topic, serde, {
        records: [{ ...emptyRecord(gateway), site: 'lab', gatewayLeaves: [leaf] }],
      });
      const deadline = Date.now() + 15_000;
      while ((view.get(gateway)?.gatewayLeaves.length ?? 0) === 0 && Date.now() < deadline) await sleep(50);
      expect(view.get(gateway)?.gatewayLeaves).toEqual([leaf]);
      const appliedMs = Date.now() - granted;
      expect(appliedMs).toBeLessThan(15_000);

      await client.publishAsync(scenario.readingTopic(gateway), batch(2), { qos: 1 });
      const accepted = await waitFor(scenario.topics.environment, (r) => r.key?.toString() === leaf);
      expect(accepted).toHaveLength(1);
      expect(accepted[0]?.headers['iotp.gateway']).toBe(gateway);
    } finally {
      await client.endAsync();
    }
  });

  it('an unknown device under unknownDevice: dead-letter is an UNKNOWN_DEVICE dead letter, counted', async () => {
    const client = await connectPublisher(env.MQTT_URL as string, { protocolVersion: 5 });
    try {
      await client.publishAsync(scenario.readingTopic(stranger), JSON.stringify({ temperature: 5 }), { qos: 1 });
    } finally {
      await client.endAsync();
    }
    const dead = await waitFor(scenario.topics.dlq, (r) => r.key?.toString() === stranger);
    expect(dead[0]?.headers['error.reason']).toBe('UNKNOWN_DEVICE');
    expect(dead[0]?.headers['error.stage']).toBe('mqtt-source');
    expect(await waitFor(scenario.topics.environment, (r) => r.key?.toString() === stranger, 1000)).toEqual([]);
    const text = await metrics.metrics();
    expect(text).toMatch(/iotp_mqtt_dead_letters_total\{reason="UNKNOWN_DEVICE"\} 1/);
    expect(text).toMatch(/iotp_mqtt_unknown_device_readings_total\{policy="dead-letter"\} 1/);
  });
});
