/**
 * CPU profile of the MQTT source at full load: one `iotp connect mqtt-source` child process run with
 * `node --cpu-prof` (through NODE_OPTIONS), fed by the peers harness' lean QoS 1 publisher (one probe
 * first, then --messages readings of --devices devices as fast as the window allows), counted by a
 * Kafka consumer. Prints msg/s, the child's CPU µs per message (all its threads, from /proc) and the
 * split of its main thread's samples taken while the readings went through (bench/mqtt/profile-areas.ts).
 *
 *   node_modules/.bin/tsx bench/mqtt/profile-source.ts [--messages 50000] [--devices 100]
 *     [--backend kafkajs|rdkafka] [--window 1000] [--top 25] [--keep <dir>] [--no-profile] [--root <dir>]
 *     [--node-arg <flag>]...
 *
 * --no-profile runs the same thing without --cpu-prof (the profiler's own cost stays out of msg/s).
 * --root runs the connector of another checkout (with bench/mqtt/source-entry.ts copied in), for
 * before/after runs side by side.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { testKafka } from '../../connectors/mqtt-source/test-support/kafka-fixture.js';
import { createScenario } from '../../connectors/mqtt-source/test-support/scenario.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { cpuSeconds, deleteSubjects, loadAverage, note } from '../peers/common.js';
import { connectRawPublisher, encodeQos1 } from '../peers/raw-publisher.js';
import { type CpuProfile, formatSplit, profileSplit } from './profile-areas.js';
import { spawnNodeConnector } from './spawn-node-connector.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    devices: { type: 'string', default: '100' },
    backend: { type: 'string', default: 'kafkajs' },
    window: { type: 'string', default: '1000' },
    top: { type: 'string', default: '25' },
    keep: { type: 'string' },
    'no-profile': { type: 'boolean', default: false },
    root: { type: 'string' },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const total = Number(values.messages);
const devices = Number(values.devices);
const window = Number(values.window);
const profiling = !values['no-profile'];
const env = loadStackEnv();
// Another checkout (--root) has no .stack/env of its own: its connector gets the stack's settings
// (the registry's credentials above all) from the environment.
if (values.root) for (const [k, v] of Object.entries(env)) if (process.env[k] === undefined) process.env[k] = v;
const kafka = testKafka(env.KAFKA_BROKERS as string, 'bench-mqtt-profile');

/** Microseconds on the monotonic clock V8's profiler stamps samples with. */
const monoUs = () => Number(process.hrtime.bigint() / 1000n);

async function main(): Promise<void> {
  const scenario = createScenario(env, kafka, 'bench-prof');
  await scenario.createTopics();
  const dir = mkdtempSync(join(tmpdir(), 'iotp-mqtt-profile-'));
  const profDir = values.keep ?? join(dir, 'prof');
  let clientId: string | undefined;
  let seen = 0;
  let lastSeen = 0;
  let assigned = false;
  const consumer = kafka.consumer({ groupId: `${scenario.group}-count`, autoOffsetReset: 'earliest' });
  try {
    const config = join(dir, 'pipeline.yaml');
    const yaml = scenario.pipelineYaml({ maxInFlight: window }) as { kafka: Record<string, unknown> };
    yaml.kafka.backend = values.backend;
    writeFileSync(config, stringify(yaml));
    const connector = await spawnNodeConnector(
      config,
      'prof-0',
      [...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), ...(values['node-arg'] ?? [])],
      values.root,
    );
    for (const l of connector.log) {
      const m = /"clientId":"([^"]+)"/.exec(l);
      if (m && l.includes('mqtt connected')) clientId = m[1];
    }

    await consumer.connect();
    await consumer.subscribe([scenario.topics.environment]);
    await consumer.run({
      eachBatch: async (batch) => {
        seen += batch.records.length;
        lastSeen = Date.now();
      },
      onAssign: async () => {
        assigned = true;
      },
    });
    while (!assigned) await sleep(100);

    const publisher = await connectRawPublisher(env.MQTT_URL as string, `${scenario.group}-pub`);
    await publisher.publishAll(
      encodeQos1([{ topic: scenario.readingTopic('probe'), payload: JSON.stringify({ ts: Date.now() - 60_000 }) }]),
      1,
    );
    for (const probeDeadline = Date.now() + 60_000; seen < 1; await sleep(50))
      if (Date.now() > probeDeadline)
        throw new Error(
          `the probe reading never reached Kafka; connector log:\n${connector.log.slice(-30).join('\n')}`,
        );
    await sleep(500);
    const base = Date.now() - 1_800_000;
    const packets = encodeQos1(
      Array.from({ length: total }, (_, i) => ({
        topic: scenario.readingTopic(`b-${i % devices}`),
        payload: JSON.stringify({ ts: base + i, temperature: 20 + (i % 10), humidity: 50, pressure: 1013 }),
      })),
    );
    const before = seen;
    const cpu0 = cpuSeconds(connector.pid);
    const from = monoUs();
    const t0 = Date.now();
    await publisher.publishAll(packets, window);
    const deadline = Date.now() + 300_000;
    while (seen - before < total && Date.now() < deadline) await sleep(20);
    const to = monoUs();
    const cpuS = cpuSeconds(connector.pid) - cpu0;
    const sends = await connector.metric('iotp_mqtt_produce_seconds_count');
    const sendSeconds = await connector.metric('iotp_mqtt_produce_seconds_sum');
    const rate = ((seen - before) / (lastSeen - t0)) * 1000;
    await publisher.close();
    await connector.stop();

    const gcLines = connector.log.filter((l) => /Scavenge|Mark-Compact|Mark-sweep|pause=/.test(l));
    if (gcLines.length > 0)
      process.stdout.write(
        `${gcLines.length} GC lines in the connector's output (--trace-gc):\n${gcLines.slice(-12).join('\n')}\n`,
      );
    process.stdout.write(
      `backend ${values.backend}, ${seen - before}/${total} readings, ${Math.round(rate)} msg/s, connector CPU ${cpuS.toFixed(2)} s = ${Math.round((cpuS / total) * 1e6)} µs/msg (all threads), load ${loadAverage()}\n`,
    );
    process.stdout.write(
      `Kafka sends ${sends} (incl. the probe): mean ${((sendSeconds / sends) * 1000).toFixed(1)} ms, ${Math.round(total / sends)} readings per send; profile window ${from} ${to}\n`,
    );
    if (profiling) {
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (1: tsx's loader).
      const file = readdirSync(profDir)
        .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${connector.pid}.0.`))
        .at(0);
      if (!file) throw new Error(`no .cpuprofile in ${profDir}`);
      const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile;
      process.stdout.write(`${formatSplit(profileSplit(profile, from, to), total, Number(values.top))}\n`);
      if (values.keep) note(`profile kept: ${join(profDir, file)}`);
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    if (clientId) await clearSession(clientId);
    await scenario.deleteTopics().catch((e: unknown) => note(`could not delete topics: ${String(e)}`));
    await deleteSubjects(env.SCHEMA_REGISTRY_URL as string, [`${scenario.topics.environment}-value`]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes the connector's persistent MQTT session (clean start, session expiry 0). */
async function clearSession(clientId: string): Promise<void> {
  const c = await mqtt
    .connectAsync(env.MQTT_URL as string, {
      clientId,
      clean: true,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 0 },
      reconnectPeriod: 0,
    })
    .catch(() => undefined);
  await c?.endAsync().catch(() => undefined);
}

main()
  .then(() => process.exit(0))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
