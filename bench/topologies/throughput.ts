/**
 * Records/s of the aggregate and detect topologies on the real broker: pre-produces `--records`
 * Avro environment readings of `--devices` devices (one every 10 s of event time each) to a private
 * pipeline (3 partitions), then runs the topology in this process from a fresh consumer group and
 * times it from its first commit to the commit of the last input offset (group join and startup
 * excluded). Everything it made is deleted at the end.
 *
 *   node_modules/.bin/tsx bench/topologies/throughput.ts --topology aggregate --records 60000 --devices 1000 --guarantee exactly_once
 *   node_modules/.bin/tsx bench/topologies/throughput.ts --topology detect --records 300000 --devices 10000 \
 *     --detectors '  combined: { enabled: true }'
 *
 * `--detectors` is the pipeline YAML's `detectors:` section (lines indented by 2; default: the
 * section's defaults). Besides records/s it reports the bytes the topology wrote to its changelogs
 * per input record (keys and values), and the process's peak RSS while it ran.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { kafkaClientFrom, registryClientFrom } from '../../lib/clients/index.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { createAvroEncoder } from '../../lib/serde/index.js';
import { gaussian, seededRandom } from '../../streams/detectors/testing/synthetic-series.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { buildAggregate } from '../../streams/topologies/aggregate/aggregate-worker.js';
import { buildDetect } from '../../streams/topologies/detect/detect-worker.js';
import { testPipeline } from '../../streams/topologies/test-support/pipeline-fixture.js';
import { arg } from '../streams/avro-stats.js';

const topology = arg('topology', 'aggregate');
const records = Number(arg('records', '60000'));
const devices = Number(arg('devices', '1000'));
const guarantee = arg('guarantee', 'exactly_once') as 'exactly_once' | 'at_least_once';
const commit = arg('commit-interval', '1s');
const detectors = arg('detectors', '  defaults: {}');

const env = loadStackEnv() as Record<string, string>;
const prefix = `bench-topo-${randomBytes(3).toString('hex')}`;
const pipeline = await testPipeline(env, prefix, {
  partitions: 3,
  streams: `  processingGuarantee: ${guarantee}\n  commitInterval: ${commit}`,
  detectors,
});
const { config } = pipeline;
const client = kafkaClientFrom(config, `${prefix}-bench`);
try {
  const registry = registryClientFrom(config);
  const route = config.readingRoutes.find((r) => r.type === 'environment');
  if (!route) throw new Error('no environment route');
  const encoder = createAvroEncoder({ registry, subject: route.subject, schema: route.schema });
  await encoder.schemaId();
  const producer = client.producer({ idempotent: true });
  await producer.connect();
  const rng = seededRandom(3);
  const T0 = 1_767_225_600_000;
  for (let i = 0; i < records; i += 2000) {
    const batch = [];
    for (let j = i; j < Math.min(records, i + 2000); j++) {
      const d = j % devices;
      const ts = T0 + Math.floor(j / devices) * 10_000 + d;
      const value = {
        deviceId: `dev-${d}`,
        ts,
        site: `site-${d % 7}`,
        temperature: Math.round((21 + gaussian(rng)) * 10) / 10,
        humidity: Math.round((45 + 3 * gaussian(rng)) * 10) / 10,
        pressure: Math.round((1013 + gaussian(rng)) * 10) / 10,
      };
      batch.push({ topic: route.topic, key: value.deviceId, value: encoder.encodeSync(value), timestamp: ts });
    }
    await producer.send(batch);
  }
  await producer.disconnect();

  const built =
    topology === 'aggregate'
      ? await buildAggregate(config, registry, undefined)
      : await buildDetect(config, registry, undefined, undefined);
  const applicationId = `${prefix}-${topology}`;
  const streams = new KafkaStreams(built, {
    applicationId,
    client,
    guarantee,
    commitIntervalMs: config.streams.commitInterval,
    lateTopic: config.streams.lateTopic,
    dlqTopic: config.kafka.topics.dlq,
    registry: new Registry(),
  });
  const admin = client.admin();
  await admin.connect();
  const ends = await admin.topicOffsets(route.topic);
  const total = ends.reduce((a, e) => a + Number(e.high), 0);
  let peakRss = 0;
  const rssSampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  await streams.start();
  let first: { t: number; done: number } | undefined;
  let done = 0;
  while (done < total) {
    await new Promise((r) => setTimeout(r, 100));
    const committed = await admin.committedOffsets(applicationId, [route.topic]);
    done = committed.reduce((a, c) => a + Number(c.offset), 0);
    if (first === undefined && done > 0) first = { t: performance.now(), done };
    if (performance.now() - started > 600_000) throw new Error('timed out');
  }
  const end = performance.now();
  await streams.close();
  clearInterval(rssSampler);
  const changelogs = (await admin.listTopics()).filter(
    (t) => t.startsWith(`${applicationId}-`) && t.endsWith('-changelog'),
  );
  let changelogBytes = 0;
  let changelogRecords = 0;
  for (const topic of changelogs) {
    const partitions = (await admin.topicOffsets(topic)).map((o) => o.partition);
    await client.replay({
      topic,
      partitions,
      onRecords: (rs) => {
        changelogRecords += rs.length;
        for (const r of rs) changelogBytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
      },
    });
  }
  await admin.disconnect();
  const f = first ?? { t: started, done: 0 };
  console.log(
    JSON.stringify({
      topology,
      guarantee,
      commitInterval: commit,
      backend: client.backend,
      records: total,
      devices,
      secondsToFirstCommit: Number(((f.t - started) / 1000).toFixed(2)),
      // From the first commit on (startup excluded); 'incl. startup' counts from start().
      recordsPerSecond: f.done < total ? Math.round((total - f.done) / ((end - f.t) / 1000)) : null,
      recordsPerSecondInclStartup: Math.round(total / ((end - started) / 1000)),
      changelogRecords,
      changelogBytesPerRecord: Math.round(changelogBytes / total),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
    }),
  );
} finally {
  await pipeline.cleanup();
}
