/**
 * Detect state at fleet scale: how many bytes a warm device-field takes, the worker's RSS once it
 * holds `--devices` x 3 fields of warm state, and how long restoring it from the changelog takes.
 *
 *   node_modules/.bin/tsx bench/topologies/restore.ts --devices 33334 --warm-records 2500
 *
 * One environment device (3 fields) is run through the detect step's journal for `--warm-records`
 * readings (a daily cycle plus noise, one a minute), with the default detectors (the combined
 * detector on every field): every memory of the combined detector is then full. Its snapshot is
 * written to the detect store's changelog under `--devices` device ids (each in its task's
 * partition, as the task would), then the detect topology starts from that changelog: the clock
 * runs from start() to isReady() (every store restored), and RSS is sampled throughout and after.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { createKafkaClient, kafkaConfigFromEnv, partitionForKey } from '../../lib/kafka/index.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { heartbeatConfig } from '../../streams/detectors/index.js';
import { gaussian, seededRandom } from '../../streams/detectors/testing/synthetic-series.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { changelogTopic } from '../../streams/runtime/names.js';
import { snapshotEntry } from '../../streams/runtime/state/journaled-store.js';
import { detectStoreName } from '../../streams/topologies/detect/detect-topology.js';
import { buildDetect, detectRoutes } from '../../streams/topologies/detect/detect-worker.js';
import { deviceJournal } from '../../streams/topologies/detect/device-journal.js';
import { testPipeline } from '../../streams/topologies/test-support/pipeline-fixture.js';
import { arg } from '../streams/avro-stats.js';

const devices = Number(arg('devices', '33334'));
const warmRecords = Number(arg('warm-records', '2500'));
const partitions = Number(arg('partitions', '3'));
const MiB = 2 ** 20;

const env = loadStackEnv() as Record<string, string>;
const prefix = `bench-restore-${randomBytes(3).toString('hex')}`;
const pipeline = await testPipeline(env, prefix, { partitions });
const { config } = pipeline;
const client = createKafkaClient(kafkaConfigFromEnv(env, { clientId: `${prefix}-bench` }));
try {
  const environment = detectRoutes(config).find((r) => r.route.type === 'environment');
  if (!environment) throw new Error('no environment route');
  const journal = deviceJournal({
    route: environment.route,
    detectors: environment.detectors,
    heartbeat: heartbeatConfig(config.detectors),
    snapshotEvery: config.detectors.defaults.snapshotEvery,
    cooldownMs: config.detectors.defaults.cooldown,
  });
  const state = journal.init();
  const rng = seededRandom(5);
  const T0 = Date.now() - warmRecords * 60_000;
  const warmStarted = performance.now();
  for (let i = 0; i < warmRecords; i++) {
    const ts = T0 + i * 60_000;
    const day = Math.sin((2 * Math.PI * (ts % 86_400_000)) / 86_400_000);
    const values = [21 + 3 * day + 0.2 * gaussian(rng), 45 - 8 * day + gaussian(rng), 1013 + 0.1 * gaussian(rng)];
    journal.apply(state, { kind: 'reading', ts, arrival: ts, site: 'lab', values }, 'template');
  }
  const warmUs = ((performance.now() - warmStarted) * 1000) / (warmRecords * 3);
  const stateBytes = journal.stateSerde.serialize(state, '') as Buffer;
  const fields = environment.route.fields.length;
  process.stderr.write(
    `warm state: ${stateBytes.length} bytes for ${fields} fields (${Math.round(stateBytes.length / fields)} per field), ${warmUs.toFixed(1)} µs per field update\n`,
  );

  const topic = changelogTopic(`${prefix}-detect`, detectStoreName('environment'));
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics([
    { topic, partitions, config: { 'cleanup.policy': 'compact', 'max.message.bytes': '8388608' } },
  ]);
  const producer = client.producer({ lingerMs: 20 });
  await producer.connect();
  const ts = T0 + warmRecords * 60_000;
  const produceStarted = performance.now();
  for (let i = 0; i < devices; i += 500) {
    const batch = [];
    for (let d = i; d < Math.min(devices, i + 500); d++) {
      const deviceId = `dev-${d}`;
      const entry = snapshotEntry(Buffer.from(deviceId), ts, warmRecords, stateBytes);
      batch.push({ topic, partition: partitionForKey(deviceId, partitions), key: entry.key, value: entry.value });
    }
    await producer.send(batch);
  }
  await producer.disconnect();
  process.stderr.write(
    `changelog: ${devices} snapshots, ${Math.round((devices * stateBytes.length) / MiB)} MiB, produced in ${((performance.now() - produceStarted) / 1000).toFixed(1)} s\n`,
  );

  const topology = await buildDetect(
    config,
    (await import('../../lib/clients/registry.js')).registryClientFrom(config),
    undefined,
    undefined,
  );
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const rssBefore = process.memoryUsage().rss;
  const streams = new KafkaStreams(topology, {
    applicationId: `${prefix}-detect`,
    client,
    commitIntervalMs: 1000,
    lateTopic: config.streams.lateTopic,
    dlqTopic: config.kafka.topics.dlq,
    registry: new Registry(),
  });
  const started = performance.now();
  await streams.start();
  while (!streams.isReady()) {
    await new Promise((r) => setTimeout(r, 100));
    if (performance.now() - started > 900_000) throw new Error('restore timed out');
  }
  const restoreSeconds = (performance.now() - started) / 1000;
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 1000));
  const rssAfter = process.memoryUsage().rss;
  clearInterval(sampler);
  await streams.close();
  await admin.disconnect();
  console.log(
    JSON.stringify({
      devices,
      deviceFields: devices * fields,
      warmRecords,
      stateBytesPerDevice: stateBytes.length,
      stateBytesPerField: Math.round(stateBytes.length / fields),
      changelogMiB: Math.round((devices * stateBytes.length) / MiB),
      restoreSeconds: Number(restoreSeconds.toFixed(1)),
      rssBeforeMiB: Math.round(rssBefore / MiB),
      rssAfterRestoreMiB: Math.round(rssAfter / MiB),
      peakRssMiB: Math.round(peakRss / MiB),
      backend: client.backend,
    }),
  );
} finally {
  await pipeline.cleanup();
}
