/**
 * MQTT -> Kafka through the MQTT source, at QoS 1, with 1 or 2 replicas (child processes running
 * `iotp connect mqtt-source`, one $share group), on the local stack.
 *
 *   node_modules/.bin/tsx bench/mqtt/mqtt-source-bench.ts [--replicas 1] [--messages 20000]
 *     [--devices 100] [--rate 500] [--latency-seconds 10] [--backend kafkajs|rdkafka] [--in-flight 1000]
 *
 * Each replica runs with mqtt.maxInFlight = --in-flight (MQTT 5 Receive Maximum).
 * Throughput: --messages readings published as fast as a QoS 1 publisher with 1000 un-acked allows;
 * the rate is messages / (last record seen in Kafka - first publish). Latency: a separate run at
 * --rate messages/s for --latency-seconds; each reading's ts is its publish time, and a Kafka
 * consumer notes when it sees the record: publish-to-consume latency (an upper bound of
 * publish-to-Kafka; it includes the consumer's fetch). Topics are random and deleted after.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { type ConnectorProcess, spawnConnector } from '../../connectors/mqtt-source/test-support/connector-process.js';
import { connectPublisher, publishAll } from '../../connectors/mqtt-source/test-support/publish.js';
import { createScenario } from '../../connectors/mqtt-source/test-support/scenario.js';
import type { ConsumedRecord } from '../../lib/kafka/types.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { kafkaClientOn as testKafka } from '../../test/helpers/kafka.js';

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '1' },
    messages: { type: 'string', default: '20000' },
    devices: { type: 'string', default: '100' },
    rate: { type: 'string', default: '500' },
    'latency-seconds': { type: 'string', default: '10' },
    backend: { type: 'string', default: 'kafkajs' },
    'in-flight': { type: 'string', default: '1000' },
  },
});
const replicas = Number(values.replicas);
const total = Number(values.messages);
const devices = Number(values.devices);
const rate = Number(values.rate);
const latencySeconds = Number(values['latency-seconds']);
const inFlight = Number(values['in-flight']);
const env = loadStackEnv();
const kafka = testKafka(env.KAFKA_BROKERS as string, 'bench-mqtt');
const scenario = createScenario(env, kafka, 'bench-mqtt');

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function main(): Promise<void> {
  await scenario.createTopics();
  const dir = mkdtempSync(join(tmpdir(), 'iotp-bench-mqtt-'));
  const children: ConnectorProcess[] = [];
  const consumer = kafka.consumer({ groupId: `${scenario.group}-bench`, autoOffsetReset: 'earliest' });
  try {
    const config = join(dir, 'pipeline.yaml');
    const yaml = scenario.pipelineYaml({ maxInFlight: inFlight }) as { kafka: Record<string, unknown> };
    yaml.kafka.backend = values.backend;
    writeFileSync(config, stringify(yaml));
    for (let r = 0; r < replicas; r++) children.push(await spawnConnector(config, `bench-${r}`));

    // A consumer notes when each record shows up.
    const seenAt = new Map<string, number>();
    let lastSeen = 0;
    const onRecords = (records: ConsumedRecord[]) => {
      const now = Date.now();
      for (const r of records) seenAt.set(`${r.key?.toString()}@${r.timestamp}`, now);
      lastSeen = now;
    };
    let assigned = false;
    await consumer.connect();
    await consumer.subscribe([scenario.topics.environment]);
    await consumer.run({
      eachBatch: async (batch) => onRecords(batch.records),
      onAssign: async () => {
        assigned = true;
      },
    });
    while (!assigned) await sleep(100);

    const publisher = await connectPublisher(env.MQTT_URL as string);
    // Throughput: as fast as QoS 1 allows (ts stays unique per device: base + index).
    const base = Date.now() - 1_800_000;
    const messages = Array.from({ length: total }, (_, i) => ({
      topic: scenario.readingTopic(`b-${i % devices}`),
      payload: JSON.stringify({ ts: base + i, temperature: 20 + (i % 10), humidity: 50, pressure: 1013 }),
    }));
    const t0 = Date.now();
    await publishAll(publisher, messages, 1000);
    const published = Date.now();
    const deadline = Date.now() + 300_000;
    while (seenAt.size < total && Date.now() < deadline) await sleep(100);
    const throughput = (seenAt.size / (lastSeen - t0)) * 1000;
    const throughputDelivered = seenAt.size;
    const produceCalls = await Promise.all(children.map((c) => c.metric('iotp_mqtt_produce_seconds_count')));
    const produceSeconds = await Promise.all(children.map((c) => c.metric('iotp_mqtt_produce_seconds_sum')));
    const publishRate = (total / (published - t0)) * 1000;

    // Latency: paced publishing, ts = publish time.
    seenAt.clear();
    // One reading per device every devices/rate seconds: (device, publish ms) is unique.
    const sentAt = new Map<string, number>();
    const perTick = Math.max(1, Math.round(rate / 50));
    const ticks = Math.round((latencySeconds * rate) / perTick);
    let n = 0;
    for (let t = 0; t < ticks; t++) {
      const tickStart = Date.now();
      const batch: Promise<unknown>[] = [];
      for (let k = 0; k < perTick; k++) {
        const device = `l-${n++ % devices}`;
        const ts = Date.now();
        const key = `${device}@${ts}`;
        if (sentAt.has(key)) continue;
        sentAt.set(key, ts);
        batch.push(
          publisher.publishAsync(scenario.readingTopic(device), JSON.stringify({ ts, temperature: n % 30 }), {
            qos: 1,
          }),
        );
      }
      await Promise.all(batch);
      await sleep(Math.max(0, 20 - (Date.now() - tickStart)));
    }
    const latencyDeadline = Date.now() + 60_000;
    while (seenAt.size < sentAt.size && Date.now() < latencyDeadline) await sleep(100);
    await publisher.endAsync();
    const latencies: number[] = [];
    for (const [key, at] of sentAt) {
      const seen = seenAt.get(key);
      if (seen !== undefined) latencies.push(seen - at);
    }
    latencies.sort((a, b) => a - b);

    const perReplica = await Promise.all(children.map((c) => c.metric('iotp_mqtt_messages_in_total')));
    const result = {
      date: new Date().toISOString(),
      backend: values.backend,
      inFlight,
      loadAverage: loadavg()[0],
      replicas,
      messages: total,
      devices,
      delivered: throughputDelivered,
      produceCalls,
      meanProduceMs: produceSeconds.map((sec, i) => Math.round((sec / (produceCalls[i] || 1)) * 1000 * 10) / 10),
      throughputPerSec: Math.round(throughput),
      publishPerSec: Math.round(publishRate),
      latencyRate: rate,
      latencySamples: latencies.length,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      maxMs: latencies[latencies.length - 1],
      messagesPerReplica: perReplica,
    };
    console.log(JSON.stringify(result));
    console.log(
      `| ${replicas} | ${values.backend} | ${result.throughputPerSec} | ${result.publishPerSec} | ${result.p50Ms} | ${result.p99Ms} | ${perReplica.join(' / ')} |`,
    );
  } finally {
    await consumer.disconnect().catch(() => {});
    for (const c of children) await c.stop();
    await scenario.deleteTopics();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
