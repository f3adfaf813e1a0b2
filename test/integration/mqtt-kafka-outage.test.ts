/**
 * The path to Kafka goes away for 20 s mid-stream (10 000 QoS 1 messages): nothing is lost.
 *
 * The shared broker cannot be stopped, so this test runs a private single-node Kafka (the stack's
 * own jars) whose client listener is advertised behind a TCP proxy of ours; the connector reaches
 * the broker only through the proxy, and `cut()` resets every connection and refuses new ones for
 * 20 s. While cut, the connector holds PUBACKs (Mosquitto stops sending once Receive Maximum
 * messages are un-acked, and queues the rest in the session), reports not ready, and retries; when
 * the path is back, every message lands in Kafka.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttSource } from '../../connectors/mqtt-source/connector.js';
import { checkDelivery } from '../../connectors/mqtt-source/test-support/delivery-check.js';
import { type PrivateKafka, startPrivateKafka } from '../../connectors/mqtt-source/test-support/private-kafka.js';
import { connectPublisher, publishAll } from '../../connectors/mqtt-source/test-support/publish.js';
import { createScenario, type Scenario, startTestSource } from '../../connectors/mqtt-source/test-support/scenario.js';
import { countRecords, readTopic, kafkaClientOn as testKafka, waitForCount } from '../helpers/kafka.js';
import { stackEnv } from '../helpers/stack.js';

const env = stackEnv();
const DEVICES = 20;
const PER_DEVICE = 500;
const OUTAGE_MS = 20_000;
let broker: PrivateKafka;
let scenario: Scenario;
let source: MqttSource | undefined;

beforeAll(async () => {
  broker = await startPrivateKafka();
  scenario = createScenario(env, broker.admin, 'mqtt-outage');
  await scenario.createTopics();
}, 180_000);

afterAll(async () => {
  await source?.stop();
  await broker?.stop();
}, 60_000);

describe('mqtt-source Kafka outage', () => {
  it(
    'the Kafka path is cut for 20 s mid-stream: every message arrives after it is back',
    { timeout: 300_000 },
    async () => {
      const started = await startTestSource(scenario.options(), testKafka(broker.externalBrokers, 'outage-connector'));
      source = started.source;
      expect(started.ready()).toBe(true);

      const base = Date.now() - 3_600_000;
      const devices = Array.from({ length: DEVICES }, (_, d) => `out-${d}`);
      const messages = Array.from({ length: DEVICES * PER_DEVICE }, (_, i) => ({
        topic: scenario.readingTopic(devices[i % DEVICES] as string),
        payload: JSON.stringify({ ts: base + Math.floor(i / DEVICES), pressure: 1000 + (i % 50) }),
      }));
      const publisher = await connectPublisher(env.MQTT_URL as string);
      const publishing = publishAll(publisher, messages, 200);

      await waitForCount(broker.admin, scenario.topics.environment, messages.length / 4, 120_000);
      broker.proxy.cut();
      const atCut = await countRecords(broker.admin, scenario.topics.environment);
      await sleep(OUTAGE_MS / 2);
      const readyDuringOutage = started.ready();
      const inFlightDuringOutage = (await source.metrics.inFlight.get()).values[0]?.value ?? 0;
      await sleep(OUTAGE_MS / 2);
      const duringOutage = await countRecords(broker.admin, scenario.topics.environment);
      broker.proxy.restore();

      await publishing;
      await publisher.endAsync();
      const deadline = Date.now() + 180_000;
      let report = checkDelivery(await readTopic(broker.admin, scenario.topics.environment), devices, PER_DEVICE, base);
      while (report.unique < report.expected && Date.now() < deadline) {
        await sleep(1000);
        report = checkDelivery(await readTopic(broker.admin, scenario.topics.environment), devices, PER_DEVICE, base);
      }
      const retries = (await source.metrics.sendRetries.get()).values.reduce((sum, v) => sum + v.value, 0);
      console.info(
        `[mqtt-outage] cut at ${atCut} records, ${duringOutage} after ${OUTAGE_MS} ms cut (in flight ${inFlightDuringOutage}); after restore: ${report.records} records, ${report.unique} unique of ${report.expected}, ${report.duplicates} duplicates, ${retries} send retries`,
      );
      // At most the batch already on the wire when the cut came can land during the outage.
      expect(duringOutage - atCut).toBeLessThanOrEqual(scenario.options().batch.maxMessages);
      expect(readyDuringOutage).toBe(false);
      expect(inFlightDuringOutage).toBeGreaterThan(0);
      expect(inFlightDuringOutage).toBeLessThanOrEqual(scenario.options().mqtt.receiveMaximum);
      expect(retries).toBeGreaterThan(0);
      expect(report.missing.slice(0, 20)).toEqual([]);
      expect(report.unique).toBe(messages.length);
      expect(report.outOfOrder).toEqual([]);
      expect(started.ready()).toBe(true);
    },
  );
});
