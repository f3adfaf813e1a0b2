/**
 * kill -9 of the connector (a child process running `iotp connect mqtt-source`) while 10 000 QoS 1
 * messages are in flight, then a restart with the same replica id: every message is in Kafka
 * (duplicates allowed and counted, losses zero), per-device order holds on first occurrences.
 * Works because PUBACK waits for Kafka's ack and the broker keeps the replica's persistent session.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type ConnectorProcess, spawnConnector } from '../../connectors/mqtt-source/test-support/connector-process.js';
import { checkDelivery } from '../../connectors/mqtt-source/test-support/delivery-check.js';
import { connectPublisher, publishAll } from '../../connectors/mqtt-source/test-support/publish.js';
import { createScenario, type Scenario } from '../../connectors/mqtt-source/test-support/scenario.js';
import type { KafkaClient } from '../../lib/kafka/types.js';
import { countRecords, readTopic, kafkaClientOn as testKafka, waitForCount } from '../helpers/kafka.js';
import { stackEnv } from '../helpers/stack.js';

const env = stackEnv();
const DEVICES = 20;
const PER_DEVICE = 500;
let kafka: KafkaClient;
let scenario: Scenario;
let dir: string;
const children: ConnectorProcess[] = [];

beforeAll(async () => {
  kafka = testKafka(env.KAFKA_BROKERS as string);
  scenario = createScenario(env, kafka, 'mqtt-crash');
  await scenario.createTopics();
  dir = mkdtempSync(join(tmpdir(), 'iotp-mqtt-crash-'));
});

afterAll(async () => {
  for (const c of children) await c.kill9();
  await scenario?.deleteTopics();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mqtt-source crash', () => {
  it('kill -9 with 10k QoS 1 messages in flight, restart: zero loss', { timeout: 300_000 }, async () => {
    const config = join(dir, 'pipeline.yaml');
    writeFileSync(config, stringify(scenario.pipelineYaml()));
    const first = await spawnConnector(config, 'crash');
    children.push(first);

    const base = Date.now() - 3_600_000;
    const devices = Array.from({ length: DEVICES }, (_, d) => `crash-${d}`);
    const messages = Array.from({ length: DEVICES * PER_DEVICE }, (_, i) => {
      const seq = Math.floor(i / DEVICES);
      const device = devices[i % DEVICES] as string;
      return { topic: scenario.readingTopic(device), payload: JSON.stringify({ ts: base + seq, temperature: seq }) };
    });

    const publisher = await connectPublisher(env.MQTT_URL as string);
    let published = 0;
    const publishing = publishAll(publisher, messages, 500, (n) => {
      published = n;
    });

    // Kill once a quarter of the messages are in Kafka: the rest is in flight or not yet sent.
    await waitForCount(kafka, scenario.topics.environment, messages.length / 4, 120_000);
    await first.kill9();
    const atKill = await countRecords(kafka, scenario.topics.environment);
    const publishedAtKill = published;
    expect(atKill).toBeLessThan(messages.length);

    await sleep(1000); // the broker queues for the dead replica's session meanwhile
    const second = await spawnConnector(config, 'crash');
    children.push(second);
    await publishing;
    await publisher.endAsync();

    const deadline = Date.now() + 180_000;
    let report = checkDelivery(await readTopic(kafka, scenario.topics.environment), devices, PER_DEVICE, base);
    while (report.unique < report.expected && Date.now() < deadline) {
      await sleep(1000);
      report = checkDelivery(await readTopic(kafka, scenario.topics.environment), devices, PER_DEVICE, base);
    }
    const redelivered = await second.metric('iotp_mqtt_redelivered_total');
    console.info(
      `[mqtt-crash] killed at ${atKill} records in Kafka / ${publishedAtKill} acked by Mosquitto; after restart: ${report.records} records, ${report.unique} unique of ${report.expected}, ${report.duplicates} duplicates, ${redelivered} redelivered (DUP)`,
    );
    expect(report.missing.slice(0, 20)).toEqual([]);
    expect(report.unique).toBe(messages.length);
    expect(report.outOfOrder).toEqual([]);
    // The restarted replica got the messages the dead one had not PUBACKed, flagged DUP by the broker.
    expect(redelivered).toBeGreaterThan(0);
    expect(await second.stop()).toBe(0);
  });
});
