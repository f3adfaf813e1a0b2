/**
 * MQTT -> Kafka: iotp's MQTT source vs Telegraf (inputs.mqtt_consumer -> outputs.kafka), side by side
 * on the local stack, plus the box limit (Mosquitto QoS 1 publisher -> an mqtt.js subscriber, no Kafka).
 *
 *   node_modules/.bin/tsx bench/peers/mqtt-vs-telegraf.ts [--reps 3] [--messages 50000] [--devices 100]
 *     [--window 1000] [--telegraf-batch 500] [--telegraf-flush 100ms] [--backend kafkajs|rdkafka]
 *     [--publisher raw|mqttjs]
 *
 * Every run: a fresh process of the side under test (one replica), its own MQTT topic root, Kafka topic
 * and persistent QoS 1 session, the same publisher (default: raw-publisher.ts, a lean MQTT 3.1.1 QoS 1
 * publisher with --window un-acked; --publisher mqttjs: mqtt.js through the publishAll of iotp's own
 * MQTT bench, which costs the harness several times more CPU per message), the same readings (JSON {ts, temperature, humidity, pressure}, --devices
 * devices) and the same counting consumer on the output topic. One probe message first (connections,
 * schema registration, group join out of the clock), then --messages readings as fast as the publisher
 * goes. Rate = messages / (the counting consumer saw the last record - first publish).
 * The order alternates over reps: iotp, Telegraf, box limit on even reps; the reverse on odd ones.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { stringify } from 'yaml';
import { spawnConnector } from '../../connectors/mqtt-source/test-support/connector-process.js';
import { testKafka } from '../../connectors/mqtt-source/test-support/kafka-fixture.js';
import { connectPublisher, publishAll } from '../../connectors/mqtt-source/test-support/publish.js';
import { createScenario, type Scenario } from '../../connectors/mqtt-source/test-support/scenario.js';
import type { Consumer } from '../../lib/kafka/types.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import {
  codeState,
  cpuSeconds,
  deleteGroups,
  deleteSubjects,
  fmtRate,
  fmtRatio,
  installPeers,
  intFlag,
  loadAverage,
  median,
  note,
  peakRssMiB,
  printTable,
  spawnTelegraf,
  toml,
  waitWithProgress,
} from './common.js';
import { connectRawPublisher, encodeQos1 } from './raw-publisher.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    messages: { type: 'string', default: '50000' },
    devices: { type: 'string', default: '100' },
    window: { type: 'string', default: '1000' },
    'telegraf-batch': { type: 'string', default: '500' },
    'telegraf-flush': { type: 'string', default: '100ms' },
    backend: { type: 'string', default: 'kafkajs' },
    'timeout-s': { type: 'string', default: '600' },
    publisher: { type: 'string', default: 'raw' },
  },
});
const publisherKind = values.publisher;
if (publisherKind !== 'raw' && publisherKind !== 'mqttjs') throw new Error('--publisher: expected raw or mqttjs');
const reps = intFlag('reps', values.reps);
const total = intFlag('messages', values.messages);
const devices = intFlag('devices', values.devices);
const window = intFlag('window', values.window);
const telegrafBatch = intFlag('telegraf-batch', values['telegraf-batch']);
const telegrafFlush = values['telegraf-flush'];
if (!/^\d+(ms|s)$/.test(telegrafFlush)) throw new Error('--telegraf-flush: expected e.g. 100ms or 1s');
const timeoutMs = intFlag('timeout-s', values['timeout-s']) * 1000;
const IN_FLIGHT = 1000; // iotp mqtt.maxInFlight (Receive Maximum) = Telegraf max_undelivered_messages = the box subscriber's Receive Maximum

const env = loadStackEnv();
for (const k of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'MQTT_URL'])
  if (!env[k]) throw new Error(`${k} is not set: start the stack with 'make stack-up'`);
const brokers = env.KAFKA_BROKERS as string;
const mqttUrl = env.MQTT_URL as string;
const kafka = testKafka(brokers, 'peers-mqtt');
const paths = installPeers();
const groups: string[] = [];

type SideName = 'iotp' | 'telegraf' | 'mosquitto';

interface Measured {
  rate: number;
  publishRate: number;
  delivered: number;
  /** CPU seconds over the measured phase (first publish -> last record seen). */
  cpuS: number;
  mosquittoCpuS: number;
  harnessCpuS: number;
}

interface SideResult extends Measured {
  rssMiB: number;
}

const mosquittoPid = (() => {
  try {
    return Number(readFileSync(env.MQTT_PID_FILE ?? '', 'utf8').trim());
  } catch {
    return 0;
  }
})();

/** Counts records of a topic as a consumer sees them, and when it saw the last one. */
async function startCounter(
  topic: string,
  group: string,
): Promise<{ consumer: Consumer; count(): number; last(): number }> {
  let sample = true;
  let seen = 0;
  let lastSeen = 0;
  let assigned = false;
  groups.push(group);
  const consumer = kafka.consumer({ groupId: group, autoOffsetReset: 'earliest', isolation: 'read_uncommitted' });
  await consumer.connect();
  await consumer.subscribe([topic]);
  await consumer.run({
    eachBatch: async (batch) => {
      seen += batch.records.length;
      lastSeen = Date.now();
      const first = batch.records[0];
      if (sample && first) {
        sample = false;
        note(
          `  ${topic}: first record key ${first.key?.toString()} value ${JSON.stringify(first.value?.toString('latin1').slice(0, 160))}`,
        );
      }
    },
    onAssign: async () => {
      assigned = true;
    },
  });
  await waitWithProgress(
    'the counting consumer to join',
    () => assigned,
    () => 'not assigned yet',
    60_000,
  );
  return { consumer, count: () => seen, last: () => lastSeen };
}

function readings(readingTopic: (device: string) => string): { topic: string; payload: string }[] {
  const base = Date.now() - 1_800_000; // within the connector's accepted past; ts unique per device
  return Array.from({ length: total }, (_, i) => ({
    topic: readingTopic(`b-${i % devices}`),
    payload: JSON.stringify({ ts: base + i, temperature: 20 + (i % 10), humidity: 50, pressure: 1013 }),
  }));
}

/**
 * Publishes one probe and waits until `count` shows it (everything warm), then the readings; waits until
 * `count` shows them all. Returns the rate from the first publish to `last()`.
 */
async function publishAndMeasure(
  label: string,
  readingTopic: (device: string) => string,
  count: () => number,
  last: () => number,
  pid?: number,
): Promise<Measured> {
  // Both publishers: QoS 1, at most --window un-acked, one connection, the messages built before t0.
  const probe = [
    { topic: readingTopic('probe'), payload: JSON.stringify({ ts: Date.now() - 60_000, temperature: 1 }) },
  ];
  const messages = readings(readingTopic);
  let send: (ms: typeof messages, onProgress: (n: number) => void) => Promise<void>;
  let end: () => Promise<void>;
  if (publisherKind === 'raw') {
    const raw = await connectRawPublisher(mqttUrl, `peers-pub-${label}-${Date.now().toString(36)}`);
    const encoded = new Map([
      [probe, encodeQos1(probe)],
      [messages, encodeQos1(messages)],
    ]);
    send = (ms, onProgress) => raw.publishAll(encoded.get(ms) ?? encodeQos1(ms), window, onProgress);
    end = () => raw.close();
  } else {
    const client = await connectPublisher(mqttUrl);
    send = (ms, onProgress) => publishAll(client, ms, window, onProgress);
    end = () => client.endAsync();
  }
  try {
    await send(probe, () => undefined);
    await waitWithProgress(
      `${label}: the probe`,
      () => count() >= 1,
      () => `${count()} seen`,
      120_000,
    );
    await sleep(500); // let the probe's after-work settle
    const before = count();
    const cpu0 = pid ? cpuSeconds(pid) : Number.NaN;
    const mosquitto0 = cpuSeconds(mosquittoPid);
    const harness0 = process.cpuUsage();
    const t0 = Date.now();
    let acked = 0;
    await send(messages, (n) => {
      acked = n;
    });
    const published = Date.now();
    note(`  ${label}: published ${acked} in ${((published - t0) / 1000).toFixed(1)} s`);
    await waitWithProgress(
      `${label}: all readings through`,
      () => count() - before >= total,
      () => `${count() - before} of ${total}`,
      timeoutMs,
    );
    const harness = process.cpuUsage(harness0);
    return {
      rate: (total / (last() - t0)) * 1000,
      publishRate: (total / (published - t0)) * 1000,
      delivered: count() - before,
      cpuS: pid ? cpuSeconds(pid) - cpu0 : Number.NaN,
      mosquittoCpuS: cpuSeconds(mosquittoPid) - mosquitto0,
      harnessCpuS: (harness.user + harness.system) / 1e6,
    };
  } finally {
    await end().catch(() => undefined);
  }
}

/** Removes a persistent MQTT session (clean start, session expiry 0). */
async function clearSession(clientId: string): Promise<void> {
  const c = await mqtt
    .connectAsync(mqttUrl, {
      clientId,
      clean: true,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 0 },
      reconnectPeriod: 0,
    })
    .catch(() => undefined);
  await c?.endAsync().catch(() => undefined);
}

async function runIotp(): Promise<SideResult> {
  const scenario = createScenario(env, kafka, 'peers-mqtt-iotp');
  await scenario.createTopics();
  const dir = mkdtempSync(join(tmpdir(), 'iotp-peers-mqtt-'));
  let clientId: string | undefined;
  const counter = await startCounter(scenario.topics.environment, `${scenario.group}-count`);
  try {
    const config = join(dir, 'pipeline.yaml');
    const yaml = scenario.pipelineYaml({ maxInFlight: IN_FLIGHT }) as { kafka: Record<string, unknown> };
    yaml.kafka.backend = values.backend;
    writeFileSync(config, stringify(yaml));
    const connector = await spawnConnector(config, 'peer-0');
    try {
      for (const l of connector.log) {
        const m = /"clientId":"([^"]+)"/.exec(l);
        if (m && l.includes('mqtt connected')) clientId = m[1];
      }
      const r = await publishAndMeasure(
        'iotp',
        (d) => scenario.readingTopic(d),
        counter.count,
        counter.last,
        connector.pid,
      );
      return { ...r, rssMiB: peakRssMiB(connector.pid) };
    } finally {
      await connector.stop();
    }
  } finally {
    await counter.consumer.disconnect().catch(() => undefined);
    if (clientId) await clearSession(clientId);
    await scenario.deleteTopics().catch((e: unknown) => note(`could not delete topics: ${String(e)}`));
    await deleteSubjects(env.SCHEMA_REGISTRY_URL as string, [`${scenario.topics.environment}-value`]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function telegrafConfig(scenario: Scenario, clientId: string): string {
  const u = new URL(mqttUrl);
  // Topic levels: <root: it/<id>>/<site>/<deviceId>/<type>, as iotp's route `it/<id>/{site}/{deviceId}/{type}`.
  const rootDepth = scenario.mqttRoot.split('/').length;
  const skip = Array.from({ length: rootDepth }, () => '_');
  return `# rendered by bench/peers/mqtt-vs-telegraf.ts
[agent]
  interval = "10s"
  round_interval = false
  metric_batch_size = ${telegrafBatch}
  metric_buffer_limit = ${Math.max(100_000, 10 * telegrafBatch)}
  collection_jitter = "0s"
  flush_interval = ${toml(telegrafFlush)}
  flush_jitter = "0s"
  omit_hostname = true

[[inputs.mqtt_consumer]]
  servers = [${toml(`tcp://${u.hostname}:${u.port}`)}]
  topics = [${toml(`${scenario.mqttRoot}/#`)}]
  qos = 1
  persistent_session = true
  client_id = ${toml(clientId)}
  max_undelivered_messages = ${IN_FLIGHT}
  topic_tag = ""
  data_format = "json"
  json_time_key = "ts"
  json_time_format = "unix_ms"
  [[inputs.mqtt_consumer.topic_parsing]]
    topic = ${toml(`${scenario.mqttRoot}/+/+/+`)}
    measurement = ${toml([...skip, '_', '_', 'measurement'].join('/'))}
    tags = ${toml([...skip, 'site', 'deviceId', '_'].join('/'))}

[[outputs.kafka]]
  brokers = [${toml(brokers)}]
  topic = ${toml(scenario.topics.environment)}
  routing_tag = "deviceId"
  required_acks = -1
  idempotent_writes = true
  max_retry = 3
  data_format = "influx"
`;
}

async function runTelegraf(): Promise<SideResult> {
  const scenario = createScenario(env, kafka, 'peers-mqtt-telegraf');
  await scenario.createTopics();
  const clientId = `${scenario.group}-telegraf`;
  const counter = await startCounter(scenario.topics.environment, `${scenario.group}-count`);
  try {
    const telegraf = spawnTelegraf(paths, telegrafConfig(scenario, clientId));
    try {
      await telegraf.waitFor(/Connected \[/, 60_000, 'telegraf');
      const r = await publishAndMeasure(
        'telegraf',
        (d) => scenario.readingTopic(d),
        counter.count,
        counter.last,
        telegraf.pid,
      );
      return { ...r, rssMiB: peakRssMiB(telegraf.pid) };
    } catch (error) {
      note(`telegraf output:\n${telegraf.tail(30)}`);
      throw error;
    } finally {
      await telegraf.stop();
    }
  } finally {
    await counter.consumer.disconnect().catch(() => undefined);
    await clearSession(clientId);
    await scenario.deleteTopics().catch((e: unknown) => note(`could not delete topics: ${String(e)}`));
  }
}

/** The box limit: the same publisher into Mosquitto, an mqtt.js subscriber as iotp's (MQTT 5, $share, persistent, Receive Maximum), no Kafka. */
async function runMosquitto(): Promise<SideResult> {
  const scenario = createScenario(env, kafka, 'peers-mqtt-box');
  const clientId = `${scenario.group}-sub`;
  let seen = 0;
  let lastSeen = 0;
  const sub: MqttClient = await mqtt.connectAsync(mqttUrl, {
    clientId,
    clean: false,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 600, receiveMaximum: IN_FLIGHT },
    reconnectPeriod: 0,
  });
  try {
    sub.on('message', () => {
      seen++;
      lastSeen = Date.now();
    });
    await sub.subscribeAsync(`$share/${scenario.group}/${scenario.mqttRoot}/#`, { qos: 1 });
    const r = await publishAndMeasure(
      'mosquitto',
      (d) => scenario.readingTopic(d),
      () => seen,
      () => lastSeen,
    );
    return { ...r, rssMiB: Number.NaN };
  } finally {
    await sub.endAsync().catch(() => undefined);
    await clearSession(clientId);
  }
}

const runners: Record<SideName, () => Promise<SideResult>> = {
  iotp: runIotp,
  telegraf: runTelegraf,
  mosquitto: runMosquitto,
};

async function main(): Promise<void> {
  const started = Date.now();
  note(
    `MQTT -> Kafka: ${reps} reps of ${total} readings (${devices} devices, publisher window ${window}, iotp backend ${values.backend}, Telegraf batch ${telegrafBatch} flush ${telegrafFlush}); ${codeState()}; load ${loadAverage()}`,
  );
  const results: Record<SideName, SideResult>[] = [];
  const orders: string[] = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      const order: SideName[] = rep % 2 === 0 ? ['iotp', 'telegraf', 'mosquitto'] : ['mosquitto', 'telegraf', 'iotp'];
      orders.push(order.join(','));
      const r = {} as Record<SideName, SideResult>;
      for (const side of order) {
        note(`rep ${rep + 1}/${reps}: ${side} (load ${loadAverage()})`);
        r[side] = await runners[side]();
        note(
          `rep ${rep + 1}/${reps}: ${side} ${fmtRate(r[side].rate)} msg/s (publisher ${fmtRate(r[side].publishRate)} msg/s, ${r[side].delivered} delivered, CPU s in the measured phase: side ${r[side].cpuS.toFixed(1)}, mosquitto ${r[side].mosquittoCpuS.toFixed(1)}, harness (publisher + counter) ${r[side].harnessCpuS.toFixed(1)}; peak RSS ${Math.round(r[side].rssMiB)} MiB)`,
        );
      }
      results.push(r);
    }
  } finally {
    deleteGroups(paths, brokers, groups);
  }
  const m = printTable(
    `MQTT -> Kafka, ${total} readings QoS 1, one replica each (msg/s = readings / (last record in Kafka - first publish))`,
    'msg/s',
    'telegraf',
    results.map((r, i) => ({
      rep: i + 1,
      first: orders[i] as string,
      iotp: r.iotp.rate,
      peer: r.telegraf.rate,
      extra: `${fmtRate(r.iotp.publishRate)} / ${fmtRate(r.telegraf.publishRate)} | ${fmtRate(r.mosquitto.rate)} | ${fmtRatio(r.iotp.rate / r.mosquitto.rate)} | ${fmtRatio(r.telegraf.rate / r.mosquitto.rate)} | ${Math.round((r.iotp.cpuS / total) * 1e6)} / ${Math.round((r.telegraf.cpuS / total) * 1e6)} | ${Math.round(r.iotp.rssMiB)} / ${Math.round(r.telegraf.rssMiB)}`,
    })),
    'publisher msg/s iotp / telegraf run | box limit msg/s | iotp/box | telegraf/box | CPU µs/msg iotp / telegraf | peak RSS MiB iotp / telegraf',
  );
  const iotpOfBox = median(results.map((r) => r.iotp.rate / r.mosquitto.rate));
  const telegrafOfBox = median(results.map((r) => r.telegraf.rate / r.mosquitto.rate));
  process.stdout.write(
    "A side whose msg/s is close to its run's publisher msg/s kept up with the publisher: its figure is a lower bound.\n",
  );
  process.stdout.write(
    `box limit (Mosquitto QoS 1 pub -> mqtt.js sub, no Kafka): median ${fmtRate(median(results.map((r) => r.mosquitto.rate)))} msg/s; iotp at ${fmtRatio(iotpOfBox)} of it, telegraf at ${fmtRatio(telegrafOfBox)} (medians of per-rep fractions)\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'mqtt-vs-telegraf', date: new Date().toISOString(), code: codeState(), reps, messages: total, devices, window, telegrafBatch, telegrafFlush, backend: values.backend, medianRatio: m, iotpOfBox, telegrafOfBox, results, seconds: Math.round((Date.now() - started) / 1000), loadAverage: loadAverage() })}\n`,
  );
}

main()
  .then(() => process.exit(0))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
