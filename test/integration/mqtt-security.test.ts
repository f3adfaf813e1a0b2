/**
 * Security on the stack's password + ACL listeners: the connector logs in with its own user over
 * plain and TLS listeners (CA file, optional client certificate); a device may publish only under
 * its own id (Mosquitto refuses the rest, and nothing of it reaches Kafka); anonymous clients,
 * the connector included, are refused.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttSource } from '../../connectors/mqtt-source/connector.js';
import { connectPublisher } from '../../connectors/mqtt-source/test-support/publish.js';
import { createScenario, type Scenario, startTestSource } from '../../connectors/mqtt-source/test-support/scenario.js';
import { IotpError } from '../../lib/errors.js';
import type { ConsumedRecord, KafkaClient } from '../../lib/kafka/types.js';
import { readTopic, testDecoder, kafkaClientOn as testKafka } from '../helpers/kafka.js';
import { addMqttUser } from '../helpers/mosquitto.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
let kafka: KafkaClient;
let scenario: Scenario;
const sources: MqttSource[] = [];
const decoder = testDecoder(env.SCHEMA_REGISTRY_URL as string);
const deviceA = uniqueName('dev-a');
const deviceB = uniqueName('dev-b');

beforeAll(async () => {
  kafka = testKafka(env.KAFKA_BROKERS as string);
  scenario = createScenario(env, kafka, 'mqtt-sec', { sensorsSite: true });
  await scenario.createTopics();
  await addMqttUser(deviceA, 'secret-a');
  await addMqttUser(deviceB, 'secret-b');
});

afterAll(async () => {
  for (const s of sources) await s.stop();
  await scenario?.deleteTopics();
});

async function waitForDevice(deviceId: string, timeoutMs = 20_000): Promise<ConsumedRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await readTopic(kafka, scenario.topics.environment)).filter((r) => r.key?.toString() === deviceId);
    if (found.length > 0 || Date.now() > deadline) return found;
    await sleep(250);
  }
}

describe('mqtt-source security', () => {
  it('the connector logs in over TLS (CA file + client certificate) with its own user; devices publish under their id', async () => {
    const { source } = await startTestSource(
      scenario.options({
        mqtt: {
          url: env.MQTTS_URL,
          username: env.MQTT_USERNAME,
          password: env.MQTT_PASSWORD,
          caFile: env.MQTT_CA,
          certFile: env.MQTT_CLIENT_CERT,
          keyFile: env.MQTT_CLIENT_KEY,
        },
      }),
      kafka,
    );
    sources.push(source);
    const device = await connectPublisher(env.MQTTS_URL as string, {
      username: deviceA,
      password: 'secret-a',
      ca: readFileSync(env.MQTT_CA as string),
      protocolVersion: 5,
    });
    await device.publishAsync(scenario.readingTopic(deviceA), JSON.stringify({ temperature: 19.5 }), { qos: 1 });
    await device.endAsync();
    const [record] = await waitForDevice(deviceA);
    expect(record).toBeDefined();
    expect((await decoder.decode(record as ConsumedRecord)).temperature).toBe(19.5);
  });

  it("a device publishing to another device's topic is refused by Mosquitto and nothing reaches Kafka", async () => {
    const device = await connectPublisher(env.MQTT_AUTH_URL as string, {
      username: deviceA,
      password: 'secret-a',
      protocolVersion: 5,
    });
    try {
      // MQTT 5: Mosquitto answers the PUBACK with reason 135 (not authorized).
      await expect(
        device.publishAsync(scenario.readingTopic(deviceB), JSON.stringify({ temperature: 66 }), { qos: 1 }),
      ).rejects.toThrow(/Not authorized|135/i);
      // Its own topic still works on the same connection, after the refused one.
      await device.publishAsync(scenario.readingTopic(deviceA), JSON.stringify({ temperature: 20 }), { qos: 1 });
    } finally {
      await device.endAsync();
    }
    const deadline = Date.now() + 20_000;
    let mine: ConsumedRecord[] = [];
    while (mine.length < 2 && Date.now() < deadline) {
      mine = await waitForDevice(deviceA);
      await sleep(200);
    }
    expect(mine).toHaveLength(2); // the TLS test's reading and this one
    expect(await waitForDevice(deviceB, 1000)).toEqual([]);
  });

  it('anonymous clients are refused on both password listeners, and so is an anonymous connector', async () => {
    for (const url of [env.MQTT_AUTH_URL, env.MQTTS_URL] as string[]) {
      await expect(
        connectPublisher(url, { ca: readFileSync(env.MQTT_CA as string), protocolVersion: 5 }),
      ).rejects.toThrow(/Not authorized|Bad username or password/i);
    }
    const attempt = startTestSource(
      scenario.options({ clientId: `${scenario.group}-anon`, mqtt: { url: env.MQTT_AUTH_URL } }),
      kafka,
    );
    await expect(attempt).rejects.toBeInstanceOf(IotpError);
    await expect(attempt).rejects.toMatchObject({ code: 'MQTT_CONNECT_REFUSED' });
  });
});
