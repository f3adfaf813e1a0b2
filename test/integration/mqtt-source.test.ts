/**
 * The MQTT source on the real stack (Mosquitto, Kafka, Apicurio): readings from a third-party
 * client (mosquitto_pub) and from mqtt.js arrive decoded, keyed, timestamped and in per-device
 * order; device status (retained and Last Will) lands on the compacted status topic; every
 * dead-letter reason keeps the raw bytes with its headers while the flow goes on.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttSource } from '../../connectors/mqtt-source/connector.js';
import { connectPublisher, mosquittoPub, publishAll } from '../../connectors/mqtt-source/test-support/publish.js';
import { createScenario, type Scenario, startTestSource } from '../../connectors/mqtt-source/test-support/scenario.js';
import type { ConsumedRecord, KafkaClient } from '../../lib/kafka/types.js';
import { readTopic, testDecoder, kafkaClientOn as testKafka, waitForCount } from '../helpers/kafka.js';
import { stackEnv } from '../helpers/stack.js';

const env = stackEnv();
let kafka: KafkaClient;
let scenario: Scenario;
let source: MqttSource;
let sourceMetrics: Registry;
let sourceReady: () => boolean;
const decoder = testDecoder(env.SCHEMA_REGISTRY_URL as string);

beforeAll(async () => {
  kafka = testKafka(env.KAFKA_BROKERS as string);
  scenario = createScenario(env, kafka);
  await scenario.createTopics();
  ({
    source,
    metrics: sourceMetrics,
    ready: sourceReady,
  } = await startTestSource(scenario.options({ extra: { gateways: { 'gw-*': ['{gateway}.*'] } } }), kafka));
});

afterAll(async () => {
  await source?.stop();
  await scenario?.deleteTopics();
});

const byDevice = (records: ConsumedRecord[], deviceId: string) => records.filter((r) => r.key?.toString() === deviceId);

describe('mqtt-source on the real stack', () => {
  it('readings from mosquitto_pub arrive decoded, keyed on deviceId, stamped with event time, in order', async () => {
    const base = Date.now() - 60_000;
    const payloads = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ ts: new Date(base + i * 1000).toISOString(), temperature: 20 + i, humidity: 40 }),
    );
    await mosquittoPub(env.MQTT_URL as string, scenario.readingTopic('mp-1'), payloads);
    await waitForCount(kafka, scenario.topics.environment, 20, 30_000);

    const records = byDevice(await readTopic(kafka, scenario.topics.environment), 'mp-1');
    expect(records).toHaveLength(20);
    expect(new Set(records.map((r) => r.partition)).size).toBe(1); // one key, one partition
    const values = await Promise.all(records.map((r) => decoder.decode(r)));
    expect(values.map((v) => v.temperature)).toEqual(Array.from({ length: 20 }, (_, i) => 20 + i));
    expect(records.map((r) => r.timestamp)).toEqual(Array.from({ length: 20 }, (_, i) => base + i * 1000));
    expect(values[0]).toEqual({
      deviceId: 'mp-1',
      ts: base,
      site: 'lab',
      temperature: 20,
      humidity: 40,
      pressure: null,
    });
    expect(records[0]?.headers).toMatchObject({
      'mqtt.topic': scenario.readingTopic('mp-1'),
      'mqtt.qos': '1',
      'iotp.ts_source': 'payload',
    });
    expect(Number(records[0]?.headers['mqtt.received_at'])).toBeGreaterThanOrEqual(base);
  });

  it('readings from mqtt.js, several devices interleaved, keep per-device order; epoch ms and missing ts work', async () => {
    const pub = await connectPublisher(env.MQTT_URL as string);
    try {
      const base = Date.now() - 120_000;
      const devices = ['js-1', 'js-2', 'js-3'];
      const messages = Array.from({ length: 300 }, (_, i) => {
        const deviceId = devices[i % 3] as string;
        return {
          topic: scenario.readingTopic(deviceId, 'power'),
          payload: JSON.stringify({ ts: base + i, power: i, voltage: 230 }),
        };
      });
      await publishAll(pub, messages, 50);
      await pub.publishAsync(scenario.readingTopic('js-4', 'power'), JSON.stringify({ energy: 12 }), { qos: 1 });
      await waitForCount(kafka, scenario.topics.power, 301, 30_000);
    } finally {
      await pub.endAsync();
    }
    const records = await readTopic(kafka, scenario.topics.power);
    for (const [k, deviceId] of ['js-1', 'js-2', 'js-3'].entries()) {
      const mine = byDevice(records, deviceId);
      const powers = (await Promise.all(mine.map((r) => decoder.decode(r)))).map((v) => v.power);
      expect(powers).toEqual(Array.from({ length: 100 }, (_, i) => i * 3 + k));
    }
    const [noTs] = byDevice(records, 'js-4');
    expect(noTs?.headers['iotp.ts_source']).toBe('received');
    expect(noTs?.timestamp).toBe(Number(noTs?.headers['mqtt.received_at']));
    expect((await decoder.decode(noTs as ConsumedRecord)).ts).toBe(noTs?.timestamp);
  });

  it('a gateway batch becomes one record per leaf, keyed on the leaf', async () => {
    const ts = Date.now() - 5000;
    const batch = [
      { deviceId: 'gw-1.01', ts, temperature: 1 },
      { deviceId: 'gw-1.02', ts, temperature: 2 },
      { ts, temperature: 3 },
    ];
    await mosquittoPub(env.MQTT_URL as string, scenario.readingTopic('gw-1'), [JSON.stringify(batch)]);
    const records = await waitForKeys(scenario.topics.environment, ['gw-1.01', 'gw-1.02', 'gw-1']);
    expect(records.map((r) => r.headers['iotp.gateway'])).toEqual(['gw-1', 'gw-1', 'gw-1']);
    const temps = await Promise.all(records.map(async (r) => (await decoder.decode(r)).temperature));
    expect(temps).toEqual([1, 2, 3]);
  });

  it('retained status and the Last Will become ONLINE/OFFLINE records on the compacted status topic', async () => {
    const deviceId = 'st-1';
    const statusTopic = scenario.statusTopic(deviceId);
    const device = await connectPublisher(env.MQTT_URL as string, {
      clientId: `${scenario.group}-${deviceId}`,
      will: { topic: statusTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    await device.publishAsync(statusTopic, 'online', { qos: 1, retain: true });
    const online = await waitForKeys(scenario.topics.status, [deviceId]);
    expect((await decoder.decode(online[0] as ConsumedRecord)).status).toBe('ONLINE');
    // The device dies without DISCONNECT: Mosquitto publishes its Last Will.
    device.stream.destroy();
    const both = await waitForKeys(scenario.topics.status, [deviceId, deviceId]);
    const last = await decoder.decode(both[1] as ConsumedRecord);
    expect(last).toMatchObject({ deviceId, site: 'lab', status: 'OFFLINE' });
    expect(both[1]?.headers['mqtt.retain']).toBeDefined();
    device.end(true);
    const cleaner = await connectPublisher(env.MQTT_URL as string);
    await cleaner.publishAsync(statusTopic, '', { qos: 1, retain: true });
    await cleaner.endAsync();
  });

  describe('dead letters: raw bytes kept, headers name the cause, the flow goes on', () => {
    const future = () => Date.now() + 3_600_000;
    const cases: { reason: string; topic: () => string; payload: () => Buffer; headers: Record<string, string> }[] = [
      {
        reason: 'INVALID_JSON',
        topic: () => scenario.readingTopic('dl-1'),
        payload: () => Buffer.from('{"temperature": 2'),
        headers: { 'error.rule': 'json' },
      },
      {
        reason: 'SCHEMA_VIOLATION',
        topic: () => scenario.readingTopic('dl-1'),
        payload: () => Buffer.from('{"temperature":"21.5"}'),
        headers: { 'error.field': 'temperature', 'error.rule': 'type:null | double' },
      },
      {
        reason: 'UNKNOWN_ROUTE',
        topic: () => scenario.readingTopic('dl-1', 'water'),
        payload: () => Buffer.from('{"flow":1}'),
        headers: { 'error.rule': 'schema' },
      },
      {
        reason: 'OVERSIZE',
        topic: () => scenario.readingTopic('dl-1'),
        payload: () => Buffer.from(JSON.stringify({ temperature: 1, pad: 'x'.repeat(70_000) })),
        headers: { 'error.rule': 'max-bytes' },
      },
      {
        reason: 'TS_OUT_OF_BOUNDS',
        topic: () => scenario.readingTopic('dl-1'),
        payload: () => Buffer.from(JSON.stringify({ ts: future(), temperature: 1 })),
        headers: { 'error.field': 'ts', 'error.rule': 'max-future' },
      },
      {
        reason: 'NON_FINITE',
        topic: () => scenario.readingTopic('dl-1'),
        payload: () => Buffer.from('{"temperature":"NaN"}'),
        headers: { 'error.field': 'temperature', 'error.rule': 'finite' },
      },
      {
        // A schema exists for the type but its Kafka topic was never created: dead-lettered at once.
        reason: 'UNKNOWN_ROUTE',
        topic: () => scenario.readingTopic('dl-1', 'device-status'),
        payload: () => Buffer.from('{"status":"ONLINE"}'),
        headers: { 'error.rule': 'kafka-topic' },
      },
      {
        reason: 'DEVICE_SPOOFED',
        topic: () => scenario.readingTopic('dl-1'),
        payload: () => Buffer.from('{"deviceId":"someone-else","temperature":1}'),
        headers: { 'error.field': 'deviceId', 'error.rule': 'matches-topic' },
      },
      {
        // An array from a device that is not a gateway may not speak for another device.
        reason: 'DEVICE_SPOOFED',
        topic: () => scenario.readingTopic('dl-1'),
        payload: () => Buffer.from('[{"deviceId":"victim","temperature":99}]'),
        headers: { 'error.field': 'deviceId', 'error.rule': 'gateway-leaf', 'error.index': '0' },
      },
      {
        // One level more than any route: no route matches; the namespace subscription still gets it.
        reason: 'UNKNOWN_ROUTE',
        topic: () => `${scenario.readingTopic('dl-1')}/extra`,
        payload: () => Buffer.from('{"temperature":1}'),
        headers: { 'error.rule': 'route' },
      },
    ];

    it.each(cases.map((c) => [`${c.reason} (${c.headers['error.rule']})`, c] as const))('%s', async (_name, c) => {
      const reason = c.reason;
      const pub = await connectPublisher(env.MQTT_URL as string);
      const payload = c.payload();
      const marker = `ok-${reason}-${c.headers['error.rule'] ?? ''}`;
      const dlqBefore = (await readTopic(kafka, scenario.topics.dlq)).length;
      try {
        await pub.publishAsync(c.topic(), payload, { qos: 1 });
        // The next good reading of the same device still arrives: bad input never stops the flow.
        await pub.publishAsync(scenario.readingTopic(marker), JSON.stringify({ temperature: 7 }), { qos: 1 });
      } finally {
        await pub.endAsync();
      }
      await waitForCount(kafka, scenario.topics.dlq, dlqBefore + 1, 30_000);
      const [good] = await waitForKeys(scenario.topics.environment, [marker]);
      expect((await decoder.decode(good as ConsumedRecord)).temperature).toBe(7);

      const dead = (await readTopic(kafka, scenario.topics.dlq)).slice(dlqBefore);
      expect(dead).toHaveLength(1);
      const [record] = dead as [ConsumedRecord];
      expect(Buffer.compare(record.value as Buffer, payload)).toBe(0);
      expect(record.headers).toMatchObject({
        'error.stage': 'mqtt-source',
        'error.reason': reason,
        'error.source': source.clientId,
        'mqtt.topic': c.topic(),
        'mqtt.qos': '1',
        ...c.headers,
      });
      expect(record.headers['error.message']?.length).toBeGreaterThan(10);
      expect(Date.parse(record.headers['error.time'] as string)).toBe(Number(record.headers['mqtt.received_at']));
      const metrics = await source.metrics.deadLetters.get();
      expect(metrics.values.find((v) => v.labels.reason === reason)?.value).toBeGreaterThanOrEqual(1);
    });
  });

  it('a 1 MiB payload (under Mosquitto max_packet_size) becomes a dead letter that fits Kafka; intake goes on', async () => {
    const payload = Buffer.alloc(1_048_374, 0x61); // what a device can send: the broker PUBACKs it
    payload.write('{"temperature":1,"pad":"');
    payload.write('"}', payload.length - 2);
    const topic = scenario.readingTopic('big-1');
    const dlqBefore = (await readTopic(kafka, scenario.topics.dlq)).length;
    const pub = await connectPublisher(env.MQTT_URL as string);
    try {
      await pub.publishAsync(topic, payload, { qos: 1 });
      await pub.publishAsync(scenario.readingTopic('big-ok'), JSON.stringify({ temperature: 8 }), { qos: 1 });
    } finally {
      await pub.endAsync();
    }
    const [good] = await waitForKeys(scenario.topics.environment, ['big-ok']);
    expect((await decoder.decode(good as ConsumedRecord)).temperature).toBe(8);
    await waitForCount(kafka, scenario.topics.dlq, dlqBefore + 1, 30_000);
    const [dead] = (await readTopic(kafka, scenario.topics.dlq)).slice(dlqBefore) as [ConsumedRecord];
    expect(dead.key?.toString()).toBe('big-1');
    expect(dead.headers).toMatchObject({
      'error.stage': 'mqtt-source',
      'error.reason': 'OVERSIZE',
      'mqtt.topic': topic,
      'payload.truncated': 'true',
      'payload.size': String(payload.length),
      'payload.sha256': createHash('sha256').update(payload).digest('hex'),
    });
    const kept = dead.value as Buffer;
    expect(kept.length).toBeGreaterThan(900_000);
    expect(kept.length).toBeLessThan(payload.length);
    expect(Buffer.compare(kept, payload.subarray(0, kept.length))).toBe(0);
    const truncated = await sourceMetrics.getSingleMetric('iotp_dead_letters_truncated_total')?.get();
    expect(truncated?.values.find((v) => v.labels.stage === 'mqtt-source')?.value).toBeGreaterThanOrEqual(1);
    expect(sourceReady()).toBe(true);
  });

  async function waitForKeys(topic: string, keys: string[], timeoutMs = 30_000): Promise<ConsumedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const wanted = new Set(keys);
      const found = (await readTopic(kafka, topic)).filter((r) => wanted.has(r.key?.toString() ?? ''));
      if (found.length >= keys.length) {
        expect(found.map((r) => r.key?.toString()).sort()).toEqual([...keys].sort());
        // Same key, same partition: offset order is arrival order. Across keys, sort by key.
        return found.sort(
          (a, b) =>
            keys.indexOf(a.key?.toString() ?? '') - keys.indexOf(b.key?.toString() ?? '') ||
            Number(a.offset) - Number(b.offset),
        );
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for keys ${keys.join(',')} in ${topic} (found ${found.length})`);
      await sleep(300);
    }
  }
});

describe('mqtt-source: nothing PUBACKed is dropped in silence (literal routes, as the shipped config has)', () => {
  let literal: Scenario;
  let literalSource: MqttSource;

  beforeAll(async () => {
    literal = createScenario(env, kafka, 'mqtt-lit');
    await literal.createTopics();
    const routes = [
      {
        mqtt: `${literal.mqttRoot}/{site}/{deviceId}/environment`,
        topic: literal.topics.environment,
        schema: 'environment',
      },
    ];
    ({ source: literalSource } = await startTestSource(literal.options({ extra: { routes } }), kafka));
  });

  afterAll(async () => {
    await literalSource?.stop();
    await literal?.deleteTopics();
  });

  it('an unknown type, an extra level and a site with a / each become an UNKNOWN_ROUTE dead letter with the topic', async () => {
    expect(literalSource.filters).toEqual([`$share/${literal.group}/${literal.mqttRoot}/#`]);
    const unrouted = [
      literal.readingTopic('u-1', 'co2'),
      `${literal.readingTopic('u-1')}/extra`,
      literal.readingTopic('u-1', 'environment', 'plant/north'),
    ];
    await mosquittoPub(env.MQTT_URL as string, unrouted[0] as string, ['{"co2":400}']);
    await mosquittoPub(env.MQTT_URL as string, unrouted[1] as string, ['{"temperature":1}']);
    await mosquittoPub(env.MQTT_URL as string, unrouted[2] as string, ['{"temperature":2}']);
    await mosquittoPub(env.MQTT_URL as string, literal.readingTopic('u-ok'), ['{"temperature":3}']);
    await waitForCount(kafka, literal.topics.dlq, 3, 30_000);
    await waitForCount(kafka, literal.topics.environment, 1, 30_000);
    const dead = await readTopic(kafka, literal.topics.dlq);
    expect(dead.map((r) => r.headers['mqtt.topic']).sort()).toEqual([...unrouted].sort());
    for (const record of dead) {
      expect(record.headers).toMatchObject({
        'error.stage': 'mqtt-source',
        'error.reason': 'UNKNOWN_ROUTE',
        'error.rule': 'route',
      });
      expect(record.headers['error.message']).toContain(record.headers['mqtt.topic'] as string);
    }
    const metric = await literalSource.metrics.deadLetters.get();
    expect(metric.values.find((v) => v.labels.reason === 'UNKNOWN_ROUTE')?.value).toBe(3);
  });
});
