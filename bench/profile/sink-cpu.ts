/**
 * CPU per point of the InfluxDB sink's own code, in process, without Kafka or InfluxDB: the real
 * `startInfluxdbSink` (consume handler, point maker with Avro decode, mapping, line protocol, buffer,
 * batch delivery, dead letters, commits, metrics) fed from memory by a stand-in consumer, writing to a
 * stand-in writer that only encodes the body to UTF-8 (what fetch does). What it leaves out is the
 * Kafka client's fetch decoding and the HTTP request. Prints CPU µs per point per round.
 *
 *   node_modules/.bin/tsx bench/profile/sink-cpu.ts [--points 200000] [--devices 500] [--rounds 5]
 *     [--batch 5000] [--max-buffered <points>] [--root <checkout>]
 *
 * --root runs another checkout's sink code (a worktree with node_modules linked) with this harness,
 * for before/after figures side by side: run both alternately, compare the same rounds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { Registry } from 'prom-client';
import type {
  Batch,
  ConsumedRecord,
  ConsumerHandlers,
  KafkaClient,
  TopicPartition,
  TopicPartitionOffset,
} from '../../lib/kafka/types.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { parseAvroSchema } from '../../lib/serde/index.js';

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '200000' },
    devices: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '5' },
    batch: { type: 'string', default: '5000' },
    root: { type: 'string' },
    'max-buffered': { type: 'string' },
  },
});
const total = Number(values.points);
const devices = Number(values.devices);
const batchPoints = Number(values.batch);
const root = values.root ?? repoRoot;
/** The sink's default: max(10 x batch, 50,000). */
const maxBuffered = Number(values['max-buffered'] ?? Math.max(10 * batchPoints, 50_000));
const PARTITIONS = 4;
const TOPIC = 'bench.environment';

const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'environment.avsc'), 'utf8'));
/** Parsed as the registry client parses what it fetches. */
const type = parseAvroSchema(schema).type;

/** Records of the environment schema in the Confluent wire format (schema id 1), per partition. */
function makeRecords(): ConsumedRecord[][] {
  const parts: ConsumedRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  const start = Date.now() - 3_600_000;
  const fields = new Set((schema.fields as Array<{ name: string }>).map((f) => f.name));
  for (let i = 0; i < total; i++) {
    const device = `dev-${i % devices}`;
    const reading: Record<string, unknown> = {};
    for (const f of schema.fields as Array<{ name: string; type: unknown; default?: unknown }>)
      reading[f.name] = f.default ?? null;
    Object.assign(reading, {
      deviceId: device,
      ts: start + i,
      temperature: 20 + (i % 7) / 10,
      humidity: 40 + (i % 11) / 10,
      pressure: 1000 + (i % 13) / 10,
    });
    if (fields.has('site')) reading.site = `site-${i % 5}`;
    const body = type.toBuffer(reading);
    const value = Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), body]);
    const p = i % PARTITIONS;
    const part = parts[p] as ConsumedRecord[];
    part.push({
      topic: TOPIC,
      partition: p,
      offset: String(part.length),
      key: Buffer.from(device),
      value,
      timestamp: start + i,
      headers: {},
    });
  }
  return parts;
}

/** A consumer that hands the records over in batches of 1,000 per partition, round robin, honouring pause. */
function memoryKafka(parts: ConsumedRecord[][], onAllCommitted: () => void): KafkaClient {
  const committed = new Map<number, bigint>();
  const paused = new Set<number>();
  const assignment: TopicPartition[] = parts.map((_, partition) => ({ topic: TOPIC, partition }));
  const consumer = {
    groupId: 'bench',
    connect: async () => undefined,
    subscribe: async () => undefined,
    disconnect: async () => undefined,
    assignment: () => assignment,
    pause: (tps: TopicPartition[]) => {
      for (const tp of tps) paused.add(tp.partition);
    },
    resume: (tps: TopicPartition[]) => {
      for (const tp of tps) paused.delete(tp.partition);
    },
    commit: async (offsets: TopicPartitionOffset[]) => {
      for (const o of offsets) committed.set(o.partition, BigInt(o.offset));
      if (parts.every((p, i) => committed.get(i) === BigInt(p.length))) onAllCommitted();
    },
    run: async (handlers: ConsumerHandlers) => {
      await handlers.onAssign?.(assignment);
      const next = parts.map(() => 0);
      void (async () => {
        while (next.some((n, p) => n < (parts[p] as ConsumedRecord[]).length)) {
          let fed = false;
          for (let p = 0; p < parts.length; p++) {
            const part = parts[p] as ConsumedRecord[];
            const from = next[p] as number;
            if (paused.has(p) || from >= part.length) continue;
            const records = part.slice(from, from + 1000);
            next[p] = from + records.length;
            const batch: Batch = {
              topic: TOPIC,
              partition: p,
              records,
              highWatermark: String(part.length),
              nextOffset: String(from + records.length),
            };
            await handlers.eachBatch(batch);
            fed = true;
          }
          await new Promise((resolve) => setImmediate(resolve));
          if (!fed) await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
    },
  };
  const nothing = async () => undefined;
  return {
    backend: 'kafkajs',
    consumer: () => consumer,
    producer: () => ({ connect: nothing, disconnect: nothing, send: async () => [] }),
    admin: () =>
      ({
        connect: nothing,
        disconnect: nothing,
        topicConfig: async () => undefined,
        topicOffsets: async () => [],
        committedOffsets: async () => [],
      }) as unknown as ReturnType<KafkaClient['admin']>,
  } as unknown as KafkaClient;
}

async function round(parts: ConsumedRecord[][]): Promise<{ cpuUs: number; wallMs: number; bodyBytes: number }> {
  const sinkMod = await import(join(root, 'connectors/influxdb-sink/influxdb-sink.ts'));
  const makerMod = await import(join(root, 'connectors/influxdb-sink/point-maker.ts'));
  const routeMod = await import(join(root, 'connectors/influxdb-sink/route.ts'));
  const serde = await import(join(root, 'lib/serde/index.ts'));
  let bodyBytes = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const registry = { schemaById: async () => type };
  const pointMaker = makerMod.createPointMaker({
    decoder: serde.createAvroDecoder({ registry }),
    schemaOf: async () => type,
    ruleFor: (topic: string) => routeMod.ruleForTopic(topic, { prefix: 'bench.', extraTags: [] }),
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const sink = await sinkMod.startInfluxdbSink(
    {
      replicaId: 'bench-0',
      groupId: 'bench',
      topics: [TOPIC],
      dlqTopic: 'bench.dlq',
      writer: { api: 'v1', v1: { url: 'http://127.0.0.1:1', database: 'bench' } },
      buffer: { maxBatchPoints: batchPoints, lingerMs: 1000, maxBufferedPoints: maxBuffered },
      retry: { initialDelayMs: 100, maxDelayMs: 1000 },
      maxRetries: 3,
      mapping: { prefix: 'bench.', extraTags: [], staticTags: {} },
      metricsPort: 0,
      lagIntervalMs: 3_600_000,
      shutdownFlushMs: 10_000,
      sessionTimeoutMs: 30_000,
    },
    {
      kafka: memoryKafka(parts, () => resolveDone()),
      writer: {
        api: 'v1',
        target: 'memory',
        check: async () => undefined,
        write: async (body: string) => {
          bodyBytes += Buffer.from(body, 'utf8').length;
          return { ok: true };
        },
      },
      pointMaker,
      registry: new Registry(),
      log: pino({ level: 'silent' }),
      setReady: () => undefined,
      onFatal: (e: unknown) => {
        throw e;
      },
    },
  );
  await done;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await sink.stop();
  return { cpuUs: cpu.user + cpu.system, wallMs, bodyBytes };
}

async function main(): Promise<void> {
  const parts = makeRecords();
  process.stdout.write(`sink code of ${root}; ${total} points, ${devices} devices, batch ${batchPoints}\n`);
  for (let r = 0; r < Number(values.rounds); r++) {
    const { cpuUs, wallMs, bodyBytes } = await round(parts);
    process.stdout.write(
      `round ${r + 1}: ${(cpuUs / total).toFixed(2)} µs CPU/point, ${Math.round((total / wallMs) * 1000)} points/s wall, ${(bodyBytes / total).toFixed(0)} B/line\n`,
    );
  }
}

main()
  .then(() => process.exit(0))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
