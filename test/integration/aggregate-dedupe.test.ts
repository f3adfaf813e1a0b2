import { describe, expect, it } from 'vitest';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import type { ConsumedRecord, KafkaClient } from '../../lib/kafka/types.js';
import { createAvroDecoder, createAvroEncoder, createSchemaRegistryClient } from '../../lib/serde/index.js';
import { aggregateWindows } from '../../streams/topologies/aggregate/aggregate-worker.js';
import type { WindowResult } from '../../streams/topologies/aggregate/window-accumulator.js';
import { type RefReading, referenceAggregate } from '../../streams/topologies/test-support/aggregate-reference.js';
import { testPipeline } from '../../streams/topologies/test-support/pipeline-fixture.js';
import { type ChildWorker, spawnIotp } from '../helpers/child-process.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

// Issue 15: the MQTT source is at-least-once; after its kill -9 Mosquitto redelivers what it had
// written to Kafka but not yet PUBACKed, so a reading (deviceId, ts) reaches Kafka twice. The
// aggregate must count it once, across a restart of its own too.
const T0 = 1_767_225_600_000;
const PARTITIONS = 3;
const DEVICES = 60;

/** Deterministic pseudo-random numbers (LCG), so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const dyadic = (x: number) => Math.round(x * 16) / 16;

/** Every device once a second over [from, to) seconds, in time order; values multiples of 1/16. */
function readings(rand: () => number, from: number, to: number): RefReading[] {
  const out: RefReading[] = [];
  for (let s = from; s < to; s++)
    for (let d = 0; d < DEVICES; d++)
      out.push({
        type: 'environment',
        partition: d % PARTITIONS,
        deviceId: `env-${d}`,
        ts: T0 + s * 1000 + d,
        site: `site-${d % 4}`,
        values: { temperature: dyadic(20 + 4 * rand()), humidity: dyadic(40 + 10 * rand()), pressure: 1013 },
      });
  return out;
}

/** A redelivery: copies of a random ~share of `of`, the same key, ts and values, in the same order. */
function copiesOf(rand: () => number, of: readonly RefReading[], share: number): RefReading[] {
  return of.filter(() => rand() < share).map((r) => ({ ...r, values: { ...r.values } }));
}

async function readAll(client: KafkaClient, topic: string): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  await client.replay({
    topic,
    partitions: Array.from({ length: PARTITIONS }, (_, i) => i),
    isolation: 'read_committed',
    onRecords: (records) => {
      out.push(...records);
    },
  });
  return out;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('aggregate dedupe on the real broker (iotp streams run aggregate, exactly_once)', () => {
  it('counts each (deviceId, ts) once: copies right after, seconds after, and after a restart of the worker', async ({
    onTestFinished,
  }) => {
    const env = stackEnv();
    const prefix = uniqueName('agg-dedupe');
    const pipeline = await testPipeline(env, prefix, {
      partitions: PARTITIONS,
      streams: [
        '  windows:',
        '    - { size: 10s, grace: 3s }',
        '    - { size: 1m, grace: 5s }',
        '  processingGuarantee: exactly_once',
        '  commitInterval: 200ms',
      ].join('\n'),
    });
    onTestFinished(() => pipeline.cleanup());
    const { config } = pipeline;
    const route = config.readingRoutes.find((r) => r.type === 'environment');
    if (!route) throw new Error('no environment route');
    const client = createKafkaClient(kafkaConfigFromEnv(env, { clientId: `${prefix}-test` }));
    const registry = createSchemaRegistryClient({ url: config.registry.url, ...registryAuthFromEnv(env) });
    const encoder = createAvroEncoder({ registry, subject: route.subject, schema: route.schema });
    await encoder.schemaId();
    const producer = client.producer({ idempotent: true });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const admin = client.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());

    const workers: ChildWorker[] = [];
    const start = async () => {
      const w = spawnIotp(['streams', 'run', 'aggregate', '--config', pipeline.file], { logLevel: 'info' });
      workers.push(w);
      expect(await w.waitReady(90_000)).toBe(true);
      return w;
    };
    onTestFinished(async () => {
      for (const w of workers) if (w.alive) await w.stop();
    });
    const send = async (batch: readonly RefReading[]) => {
      for (let i = 0; i < batch.length; i += 1000)
        await producer.send(
          batch.slice(i, i + 1000).map((r) => ({
            topic: route.topic,
            partition: r.partition,
            key: r.deviceId,
            value: encoder.encodeSync({ deviceId: r.deviceId, ts: r.ts, site: r.site, ...r.values }),
            timestamp: r.ts,
          })),
        );
    };
    const consumed = async (w: ChildWorker) => {
      const ends = await admin.topicOffsets(route.topic);
      await until(
        async () => {
          const committed = await admin.committedOffsets(`${prefix}-aggregate`, [route.topic]);
          return ends.every((e) => committed.find((c) => c.partition === e.partition)?.offset === e.high);
        },
        90_000,
        'the readings to be consumed',
        w.output,
      );
    };

    const rand = rng(15);
    const first = readings(rand, 0, 30);
    const second = readings(rand, 30, 60);
    // Worker 1: each reading of 0-20 s followed at once by a copy of some (5%), then 20-30 s, then
    // a redelivery of 25% of the last 5 s (what a source killed -9 had in flight).
    let copies = 0;
    const w1 = await start();
    const early = first.filter((r) => r.ts < T0 + 20_000);
    const copied = new Set(early.filter(() => rand() < 0.05));
    copies += copied.size;
    const immediate = early.flatMap((r) => (copied.has(r) ? [r, { ...r }] : [r]));
    await send(immediate);
    await send(first.filter((r) => r.ts >= T0 + 20_000));
    const redelivered1 = copiesOf(
      rand,
      first.filter((r) => r.ts >= T0 + 25_000),
      0.25,
    );
    copies += redelivered1.length;
    await send(redelivered1);
    await consumed(w1);
    const dropped1 = await w1.metric('iotp_streams_duplicate_readings_total');
    expect(await w1.stop()).toBe(0);

    // Worker 2 restores the seen times from the changelog: a second redelivery of the last 5 s
    // before the restart is still recognized; then 30-60 s with its own redelivery.
    const w2 = await start();
    const redelivered2 = copiesOf(
      rand,
      first.filter((r) => r.ts >= T0 + 25_000),
      0.25,
    );
    const redelivered3 = copiesOf(
      rand,
      second.filter((r) => r.ts >= T0 + 50_000),
      0.25,
    );
    copies += redelivered2.length + redelivered3.length;
    await send(redelivered2);
    await send(second);
    await send(redelivered3);
    const flush: RefReading[] = Array.from({ length: PARTITIONS }, (_, p) => ({
      type: 'environment',
      partition: p,
      deviceId: `flush-${p}`,
      ts: T0 + 600_000,
      site: '',
      values: { temperature: 0, humidity: null, pressure: null },
    }));
    await send(flush);
    expect(copies).toBeGreaterThan(300);

    const windows = aggregateWindows(config, 'x').map((w) => ({ name: w.name, sizeMs: w.sizeMs, graceMs: w.graceMs }));
    // The reference: every distinct reading once, in time order (no reading is late).
    const ref = referenceAggregate([...first, ...second, ...flush], windows);
    expect(ref.late).toEqual([]);
    const outputs = aggregateWindows(config, route.topic).map((w) => ({
      step: `environment-${w.name}`,
      topic: w.topic,
    }));
    const decoder = createAvroDecoder<WindowResult>({ registry, reader: config.outputSchemas.windowResult });
    const readResults = async () => {
      const got: { id: string; value: WindowResult }[] = [];
      for (const o of outputs)
        for (const rec of await readAll(client, o.topic)) {
          const value = (await decoder.decode(rec.value as Buffer)).value;
          got.push({ id: `${o.step}|${rec.key?.toString() ?? ''}|${value.windowStart}`, value });
        }
      return got;
    };
    let got: Awaited<ReturnType<typeof readResults>> = [];
    await until(
      async () => {
        got = await readResults();
        return got.length >= ref.results.size;
      },
      120_000,
      `${ref.results.size} window results`,
      w2.output,
    );
    await consumed(w2);
    const dropped2 = await w2.metric('iotp_streams_duplicate_readings_total');
    expect(await w2.stop()).toBe(0);
    got = await readResults();

    const byId = new Map(got.map((g) => [g.id, g.value]));
    expect(byId.size).toBe(got.length);
    expect([...byId.keys()].sort()).toEqual([...ref.results.keys()].sort());
    const counts = (m: Iterable<[string, { count: number }]>) => [...m].map(([id, v]) => `${id} ${v.count}`).sort();
    expect(counts(byId)).toEqual(counts(ref.results));
    for (const [id, want] of ref.results)
      expect(`${id} ${byId.get(id)?.fields.temperature?.sum}`).toBe(`${id} ${want.fields.temperature?.sum}`);
    // Every copy dropped before the windows (none reached the late topic), and counted.
    expect(await readAll(client, config.streams.lateTopic)).toEqual([]);
    expect(dropped1 + dropped2).toBe(copies);
  });
});
