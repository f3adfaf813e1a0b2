/**
 * Two replicas of the MQTT source on one shared subscription ($share/<group>/...): each takes part
 * of the stream, together they deliver every message, and a clean stop of one (SIGTERM path:
 * stop intake, flush, PUBACK, disconnect) hands its share to the other with nothing lost.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttSource } from '../../connectors/mqtt-source/connector.js';
import { checkDelivery } from '../../connectors/mqtt-source/test-support/delivery-check.js';
import { connectPublisher, publishAll } from '../../connectors/mqtt-source/test-support/publish.js';
import { createScenario, type Scenario, startTestSource } from '../../connectors/mqtt-source/test-support/scenario.js';
import type { KafkaClient } from '../../lib/kafka/types.js';
import { readTopic, kafkaClientOn as testKafka } from '../helpers/kafka.js';
import { stackEnv } from '../helpers/stack.js';

const env = stackEnv();
let kafka: KafkaClient;
let scenario: Scenario;
const sources: MqttSource[] = [];

beforeAll(async () => {
  kafka = testKafka(env.KAFKA_BROKERS as string);
  scenario = createScenario(env, kafka, 'mqtt-replicas');
  await scenario.createTopics();
});

afterAll(async () => {
  for (const s of sources) await s.stop();
  await scenario?.deleteTopics();
});

async function messagesIn(source: MqttSource): Promise<number> {
  return (await source.metrics.messagesIn.get()).values.reduce((sum, v) => sum + v.value, 0);
}

async function waitForAll(devices: string[], perDevice: number, base: number) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const report = checkDelivery(await readTopic(kafka, scenario.topics.environment), devices, perDevice, base);
    if (report.unique >= report.expected || Date.now() > deadline) return report;
    await sleep(500);
  }
}

describe('mqtt-source replicas', () => {
  it('two replicas on one $share group each take part and together deliver all', async () => {
    const a = await startTestSource(scenario.options({ clientId: `${scenario.group}-a` }), kafka);
    sources.push(a.source);
    const b = await startTestSource(scenario.options({ clientId: `${scenario.group}-b` }), kafka);
    sources.push(b.source);
    expect(a.source.filters).toEqual([`$share/${scenario.group}/${scenario.mqttRoot}/#`]);
    expect(a.ready() && b.ready()).toBe(true);

    const base = Date.now() - 600_000;
    const devices = Array.from({ length: 10 }, (_, d) => `rep-${d}`);
    const perDevice = 200;
    const pub = await connectPublisher(env.MQTT_URL as string);
    await publishAll(
      pub,
      Array.from({ length: devices.length * perDevice }, (_, i) => ({
        topic: scenario.readingTopic(devices[i % devices.length] as string),
        payload: JSON.stringify({ ts: base + Math.floor(i / devices.length), temperature: i }),
      })),
      100,
    );
    await pub.endAsync();

    const report = await waitForAll(devices, perDevice, base);
    expect(report.missing).toEqual([]);
    expect(report.unique).toBe(devices.length * perDevice);
    const [inA, inB] = [await messagesIn(a.source), await messagesIn(b.source)];
    console.info(`[mqtt-replicas] replica a took ${inA}, replica b took ${inB} of ${devices.length * perDevice}`);
    expect(inA).toBeGreaterThan(0);
    expect(inB).toBeGreaterThan(0);
    expect(inA + inB).toBeGreaterThanOrEqual(devices.length * perDevice);
  });

  it('a replica that stops cleanly leaves nothing behind: the other takes the rest', async () => {
    const [a, b] = sources as [MqttSource, MqttSource];
    const [aBefore, bBefore] = [await messagesIn(a), await messagesIn(b)];
    const base = Date.now() - 300_000;
    const devices = ['handover-1', 'handover-2'];
    const perDevice = 1000;
    const pub = await connectPublisher(env.MQTT_URL as string);
    const messages = Array.from({ length: devices.length * perDevice }, (_, i) => ({
      topic: scenario.readingTopic(devices[i % 2] as string),
      payload: JSON.stringify({ ts: base + Math.floor(i / 2), humidity: 50 }),
    }));
    // Three phases, so the handover does not depend on how fast this machine is: 600 messages
    // before the stop, 400 while replica a stops (either replica may take them), 1000 after it
    // stopped (only b is left in the share group to take them).
    await publishAll(pub, messages.slice(0, 600), 5);
    const during = publishAll(pub, messages.slice(600, 1000), 5);
    await a.stop(); // leave the group, drain, flush to Kafka, PUBACK, DISCONNECT
    await during;
    const publishedAtStop = 1000;
    const aTook = (await messagesIn(a)) - aBefore;
    const bBeforeRest = await messagesIn(b);
    await publishAll(pub, messages.slice(1000), 5);
    await pub.endAsync();
    const report = await waitForAll(devices, perDevice, base);
    const bTook = (await messagesIn(b)) - bBefore;
    const bTookRest = (await messagesIn(b)) - bBeforeRest;
    console.info(`[mqtt-replicas] a stopped after ${publishedAtStop} published; a took ${aTook}, b took ${bTook}`);
    expect(aTook).toBeGreaterThan(0);
    expect(report.missing).toEqual([]);
    expect(report.unique).toBe(devices.length * perDevice);
    expect(bTookRest).toBeGreaterThanOrEqual(devices.length * perDevice - publishedAtStop);
  });
});
