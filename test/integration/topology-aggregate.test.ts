import { describe, expect, it } from 'vitest';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import type { ConsumedRecord, KafkaClient } from '../../lib/kafka/types.js';
import { createAvroDecoder, createAvroEncoder, createSchemaRegistryClient } from '../../lib/serde/index.js';
import { aggregateWindows } from '../../streams/topologies/aggregate/aggregate-worker.js';
import type { WindowResult } from '../../streams/topologies/aggregate/window-accumulator.js';
import {
  type RefLate,
  type RefReading,
  type RefResult,
  referenceAggregate,
} from '../../streams/topologies/test-support/aggregate-reference.js';
import { testPipeline } from '../../streams/topologies/test-support/pipeline-fixture.js';
import { spawnIotp } from '../helpers/child-process.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const PARTITIONS = 3;
const ENV_DEVICES = 200;
const POWER_DEVICES = 100;

/** Deterministic pseudo-random numbers (LCG), so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** Dyadic values (multiples of 1/16 in a moderate range): every sum is exact in float64, whatever the order. */
const dyadic = (x: number) => Math.round(x * 16) / 16;

interface Planned extends RefReading {
  arrival: number;
}

/**
 * Phase 1 (environment, 60 s of event time): 200 devices once a second; 5% arrive 0.1-2.5 s late
 * (inside every grace), 2% 15-45 s late (beyond the 10 s windows' grace, some beyond the minute's).
 */
function environmentReadings(rand: () => number): Planned[] {
  const out: Planned[] = [];
  for (let d = 0; d < ENV_DEVICES; d++) {
    for (let s = 0; s < 60; s++) {
      const arrival = T0 + s * 1000 + ((d * 37) % 1000);
      const r = rand();
      const delay = r < 0.02 ? 15_000 + Math.floor(rand() * 30_000) : r < 0.07 ? 100 + Math.floor(rand() * 2_400) : 0;
      out.push({
        type: 'environment',
        partition: d % PARTITIONS,
        deviceId: `env-${d}`,
        arrival,
        ts: arrival - delay,
        // A few devices move between sites: the result keeps the site of the latest reading.
        site: d < 10 ? `site-${(d + s) % 2}` : `site-${d % 5}`,
        values: {
          temperature: dyadic(20 + 5 * Math.sin(s / 9 + d) + rand()),
          humidity: rand() < 0.1 ? null : dyadic(45 + 10 * rand()),
          pressure: dyadic(1013 + 4 * rand() - 2),
        },
      });
    }
  }
  return out.sort((a, b) => a.arrival - b.arrival);
}

/** Phase 2 (power, event time 100-160 s), once a second, 3% up to 2 s late; some fields null. */
function powerReadings(rand: () => number): Planned[] {
  const out: Planned[] = [];
  for (let d = 0; d < POWER_DEVICES; d++) {
    let energy = dyadic(1000 + d);
    for (let s = 100; s < 160; s++) {
      const arrival = T0 + s * 1000 + ((d * 53) % 1000);
      energy += dyadic(rand());
      out.push({
        type: 'power',
        partition: d % PARTITIONS,
        deviceId: `pw-${d}`,
        arrival,
        ts: arrival - (rand() < 0.03 ? Math.floor(rand() * 2_000) : 0),
        site: `site-${d % 3}`,
        values: {
          voltage: dyadic(230 + 6 * rand() - 3),
          current: rand() < 0.05 ? null : dyadic(20 * rand()),
          power: dyadic(4600 * rand() - 600),
          energy,
        },
      });
    }
  }
  return out.sort((a, b) => a.arrival - b.arrival);
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

function expectSameStats(got: WindowResult, want: RefResult): void {
  const where = `${want.step} ${want.deviceId} @${want.windowStart - T0}`;
  expect({ where, ...pick(got) }).toEqual({ where, ...pick(want) });
  expect(Object.keys(got.fields).sort(), where).toEqual(Object.keys(want.fields).sort());
  for (const [name, w] of Object.entries(want.fields)) {
    const g = got.fields[name];
    const at = `${where} ${name}`;
    // Exact: count, min, max, first, last; sum too (dyadic values add exactly in any order), hence mean = sum / count.
    expect({
      at,
      count: g?.count,
      min: g?.min,
      max: g?.max,
      sum: g?.sum,
      mean: g?.mean,
      first: g?.first,
      last: g?.last,
    }).toEqual({ at, count: w.count, min: w.min, max: w.max, sum: w.sum, mean: w.mean, first: w.first, last: w.last });
    // stddev: Welford's one pass vs the reference's two passes round differently (last bits only).
    expect(Math.abs((g?.stddev as number) - w.stddev), at).toBeLessThanOrEqual(1e-9 * Math.max(1, w.stddev));
    // Percentiles: the sketch guarantees 1% relative error on the value of rank floor(q(n-1)).
    for (const q of ['p50', 'p95', 'p99'] as const) {
      const exact = w[q];
      expect(g?.[q], `${at} ${q}`).not.toBeNull();
      expect(Math.abs((g?.[q] as number) - exact), `${at} ${q}`).toBeLessThanOrEqual(0.01 * Math.abs(exact) + 1e-9);
    }
  }
}

function pick(r: { deviceId: string; windowStart: number; windowEnd: number; count: number; site: string }) {
  return { deviceId: r.deviceId, windowStart: r.windowStart, windowEnd: r.windowEnd, count: r.count, site: r.site };
}

describe('aggregate topology on the real broker (iotp streams run aggregate, exactly_once)', () => {
  it('every window of every device equals a plain reduce over the same readings, late records included', async ({
    onTestFinished,
  }) => {
    const env = stackEnv();
    const prefix = uniqueName('agg');
    const pipeline = await testPipeline(env, prefix, {
      partitions: PARTITIONS,
      streams: [
        '  windows:',
        '    - { size: 10s, grace: 3s }',
        '    - { size: 1m, grace: 5s }',
        '    - { size: 20s, hop: 10s, grace: 3s, name: h20s }',
        '  processingGuarantee: exactly_once',
        '  commitInterval: 200ms',
      ].join('\n'),
    });
    onTestFinished(() => pipeline.cleanup());
    const { config } = pipeline;
    const envTopic = `${prefix}.environment`;
    const client = createKafkaClient(kafkaConfigFromEnv(env, { clientId: `${prefix}-test` }));
    const registry = createSchemaRegistryClient({ url: config.registry.url, ...registryAuthFromEnv(env) });
    const routes = new Map(config.readingRoutes.map((r) => [r.type, r]));
    const encoders = new Map(
      config.readingRoutes.map((r) => [r.type, createAvroEncoder({ registry, subject: r.subject, schema: r.schema })]),
    );
    for (const e of encoders.values()) await e.schemaId();
    const producer = client.producer({ idempotent: true });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const admin = client.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());

    const worker = spawnIotp(['streams', 'run', 'aggregate', '--config', pipeline.file], { logLevel: 'info' });
    onTestFinished(async () => {
      await worker.stop();
    });
    const port = await worker.port();
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
      60_000,
      'readiness',
      worker.output,
    );

    const send = async (batch: Planned[]) => {
      for (let i = 0; i < batch.length; i += 1000) {
        await producer.send(
          batch.slice(i, i + 1000).map((r) => ({
            topic: routes.get(r.type)?.topic as string,
            partition: r.partition,
            key: r.deviceId,
            value: encoders
              .get(r.type)
              ?.encodeSync({ deviceId: r.deviceId, ts: r.ts, site: r.site, ...r.values }) as Buffer,
            timestamp: r.ts,
          })),
        );
      }
    };
    const rand = rng(7);
    const phase1 = environmentReadings(rand);
    const bad = [Buffer.from('not avro at all'), Buffer.from([0, 0x7f, 0xff, 0xff, 0x01, 0x02])];
    await send(phase1.slice(0, 5000));
    await producer.send(bad.map((value, i) => ({ topic: envTopic, partition: i, key: 'env-bad', value })));
    await send(phase1.slice(5000));
    // The power phase starts only when the worker has consumed every environment record, so each
    // partition's processing order (hence its stream time) is the order the reference simulates.
    const ends = await admin.topicOffsets(envTopic);
    await until(
      async () => {
        const committed = await admin.committedOffsets(`${prefix}-aggregate`, [envTopic]);
        return ends.every((e) => committed.find((c) => c.partition === e.partition)?.offset === e.high);
      },
      90_000,
      'the environment phase to be consumed',
      worker.output,
    );
    const phase2 = powerReadings(rand);
    await send(phase2);
    const flush: Planned[] = Array.from({ length: PARTITIONS }, (_, p) => ({
      type: 'power',
      partition: p,
      deviceId: `flush-${p}`,
      arrival: T0 + 7_200_000,
      ts: T0 + 7_200_000,
      site: '',
      values: { voltage: 1, current: null, power: null, energy: null },
    }));
    await send(flush);

    const windows = aggregateWindows(config, 'x').map((w) => ({
      name: w.name,
      sizeMs: w.sizeMs,
      graceMs: w.graceMs,
      ...(w.hopMs !== undefined ? { hopMs: w.hopMs } : {}),
    }));
    const ref = referenceAggregate([...phase1, ...phase2, ...flush], windows);
    expect(ref.results.size).toBeGreaterThan(3_000);
    expect(ref.late.filter((l) => l.step === 'environment-10s').length).toBeGreaterThan(50);
    const inGrace = phase1.filter((r) => r.ts < r.arrival && r.arrival - r.ts < 3_000);
    expect(inGrace.length).toBeGreaterThan(300);

    const outputs = config.readingRoutes.flatMap((r) =>
      aggregateWindows(config, r.topic).map((w) => ({ step: `${r.type}-${w.name}`, topic: w.topic })),
    );
    const decoder = createAvroDecoder<WindowResult>({ registry, reader: config.outputSchemas.windowResult });
    const readResults = async () => {
      const got: { step: string; key: string; value: WindowResult }[] = [];
      for (const o of outputs)
        for (const rec of await readAll(client, o.topic))
          got.push({
            step: o.step,
            key: rec.key?.toString() ?? '',
            value: (await decoder.decode(rec.value as Buffer)).value,
          });
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
      worker.output,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(await worker.stop()).toBe(0);
    got = await readResults();

    // Nothing doubled, nothing missing, nothing extra.
    const byId = new Map(got.map((g) => [`${g.step}|${g.key}|${g.value.windowStart}`, g]));
    expect(byId.size).toBe(got.length);
    expect([...byId.keys()].sort()).toEqual([...ref.results.keys()].sort());
    for (const [id, want] of ref.results) {
      const g = byId.get(id);
      expect(g?.key).toBe(want.deviceId);
      expectSameStats(g?.value as WindowResult, want);
    }
    expect(got.find((g) => g.step.startsWith('power'))?.value.tags).toEqual({ source: 'meters' });

    // Late records: once per window step that refused them, original bytes, headers naming the step.
    const readingDecoder = createAvroDecoder<{ ts: number }>({ registry });
    const late: RefLate[] = [];
    for (const rec of await readAll(client, config.streams.lateTopic))
      late.push({
        step: rec.headers['late.step'] ?? '',
        deviceId: rec.key?.toString() ?? '',
        ts: (await readingDecoder.decode(rec.value as Buffer)).value.ts,
      });
    const lateId = (l: RefLate) => `${l.step}|${l.deviceId}|${l.ts}`;
    expect(late.map(lateId).sort()).toEqual(ref.late.map(lateId).sort());
    const lateSteps = new Map<string, number>();
    for (const l of ref.late) lateSteps.set(l.step, (lateSteps.get(l.step) ?? 0) + 1);
    for (const [step, n] of lateSteps)
      expect(metrics).toContain(`iotp_late_records_total{store="${step}",component="streams-aggregate"} ${n}`);

    // Undecodable records: dead-lettered with their bytes untouched; the rest went on.
    const dlq = await readAll(client, config.kafka.topics.dlq);
    expect(dlq.map((r) => r.value?.toString('hex')).sort()).toEqual(bad.map((b) => b.toString('hex')).sort());
    for (const r of dlq)
      expect(r.headers).toMatchObject({
        'error.stage': 'streams',
        'error.reason': 'DESERIALIZATION_FAILED',
        'source.topic': envTopic,
      });
    expect(metrics).toContain(
      `iotp_records_in_total{topic="${envTopic}",component="streams-aggregate"} ${phase1.length + 2}`,
    );
    expect(metrics).toMatch(/iotp_consumer_lag\{group="[^"]+-aggregate"/);
  });
});
