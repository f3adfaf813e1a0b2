/**
 * Stream worker: iotp's stream runtime vs Kafka Streams 4.3.1 on the same topology, the same input and
 * the same broker: the work of bench/streams/throughput.ts (per device, 1-minute tumbling windows,
 * grace 5 s, count/min/max/mean of `temperature`, final results only, exactly-once, one thread,
 * in-memory store) over Avro input (schemas/environment.avsc, Confluent wire format).
 *
 *   node_modules/.bin/tsx bench/peers/streams-vs-kafka-streams.ts [--reps 3] [--records 300000]
 *     [--keys 100000] [--partitions 3] [--backend kafkajs|rdkafka] [--profile <dir>]
 *
 * --profile runs the iotp worker under `node --cpu-prof` (its profile is written to <dir> when it
 * exits; summarise it with bench/profile/summarize.ts --callers).
 *
 * The input is produced once. Each rep starts a fresh process per side (iotp: a Node child running
 * bench/peers/streams-iotp-worker.ts; Kafka Streams: a JVM running bench/peers/kafka-streams) that
 * runs the topology twice, one pass after the other, each pass with its own application id over the
 * same input: pass 1 is JIT-cold, pass 2 JIT-warm. Time of a pass = the first input value decoded
 * (reported by the worker) -> the harness sees the group's committed offsets at the end of every
 * input partition (polled every 100 ms with the same code for both). Results are counted afterwards
 * with a read_committed reader of each pass's output topic. The side that goes first alternates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Admin, KafkaClient } from '../../lib/kafka/types.js';
import { loadStackEnv, repoRoot } from '../../lib/runtime/stack-env.js';
import { kafkaClientFromEnv } from '../../test/helpers/kafka.js';
import { uniqueName } from '../../test/helpers/stack.js';
import { deleteTopicsWithPrefix, type EnvReading, environmentSerde } from '../streams/avro-stats.js';
import {
  codeState,
  cpuSeconds,
  deleteGroups,
  deleteSubjects,
  fmtRate,
  fmtRatio,
  installPeers,
  intFlag,
  kstreamsClasspath,
  loadAverage,
  median,
  note,
  type Proc,
  peakRssMiB,
  printTable,
  sidesInOrder,
  spawnProc,
  waitWithProgress,
} from './common.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    records: { type: 'string', default: '300000' },
    keys: { type: 'string', default: '100000' },
    partitions: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'kafkajs' },
    'span-ms': { type: 'string', default: String(5 * 60_000) },
    'timeout-s': { type: 'string', default: '900' },
    profile: { type: 'string' },
  },
});
const reps = intFlag('reps', values.reps);
const records = intFlag('records', values.records);
const keys = intFlag('keys', values.keys);
const partitions = intFlag('partitions', values.partitions);
const spanMs = intFlag('span-ms', values['span-ms']);
const timeoutMs = intFlag('timeout-s', values['timeout-s']) * 1000;

const env: Record<string, string> = { ...loadStackEnv(), KAFKA_BACKEND: values.backend };
for (const k of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL'])
  if (!env[k]) throw new Error(`${k} is not set: start the stack with 'make stack-up'`);
const brokers = env.KAFKA_BROKERS as string;
const paths = installPeers();
const prefix = uniqueName('peers-streams');
const input = `${prefix}.in`;
const groups: string[] = [];

type SideName = 'iotp' | 'kafka-streams';

interface PassResult {
  appId: string;
  seconds: number;
  rate: number;
  cpuS: number;
  results: number;
}

interface SideResult {
  cold: PassResult;
  warm: PassResult;
  rssMiB: number;
  startS: number;
}

async function produceInput(client: KafkaClient): Promise<number> {
  const { encode } = await environmentSerde(env.SCHEMA_REGISTRY_URL as string, input);
  const producer = client.producer({ lingerMs: 20 });
  await producer.connect();
  // The readings of bench/streams/throughput.ts: key j % keys, event time spread over spanMs.
  const base = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000; // recent: old event times are deleted by retention
  const t0 = performance.now();
  const chunk = 2_000;
  let lastNote = Date.now();
  for (let i = 0; i < records; i += chunk) {
    const batch = [];
    for (let j = i; j < Math.min(records, i + chunk); j++) {
      const v: EnvReading = {
        deviceId: `dev-${String(j % keys).padStart(6, '0')}`,
        ts: base + Math.floor((j * spanMs) / records),
        site: 's1',
        temperature: (j % 400) / 10,
        humidity: null,
        pressure: null,
      };
      batch.push({ topic: input, key: v.deviceId, value: encode(v), timestamp: v.ts });
    }
    await producer.send(batch);
    if (Date.now() - lastNote > 5_000) {
      lastNote = Date.now();
      note(`  produced ${i + chunk} of ${records}`);
    }
  }
  await producer.disconnect();
  return (performance.now() - t0) / 1000;
}

/** Committed offsets of `group` at the end of every input partition. */
async function caughtUp(admin: Admin, group: string, ends: Map<number, bigint>): Promise<boolean> {
  const committed = await admin.committedOffsets(group, [input]);
  return committed.length === ends.size && committed.every((c) => BigInt(c.offset) >= (ends.get(c.partition) ?? 0n));
}

/** Records in a topic as a read_committed reader sees them. */
async function countCommitted(client: KafkaClient, admin: Admin, topic: string): Promise<number> {
  const parts = (await admin.topicOffsets(topic)).map((p) => p.partition);
  let n = 0;
  await client.replay({
    topic,
    partitions: parts,
    isolation: 'read_committed',
    onRecords: (rs) => {
      n += rs.length;
    },
  });
  return n;
}

function spawnSide(side: SideName, passes: { appId: string; output: string }[], stateDir: string): Proc {
  const passArgs = passes.flatMap((p) => ['--pass', `${p.appId}:${p.output}`]);
  if (side === 'iotp') {
    return spawnProc(
      process.execPath,
      [
        ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []),
        '--import',
        `file://${join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')}`,
        join(repoRoot, 'bench', 'peers', 'streams-iotp-worker.ts'),
        '--input',
        input,
        '--prefix',
        prefix,
        '--backend',
        values.backend,
        ...passArgs,
      ],
      { env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
  }
  return spawnProc('java', [
    '-cp',
    kstreamsClasspath(paths),
    'dev.iotp.peers.StatsApp',
    'run',
    '--bootstrap',
    brokers,
    '--input',
    input,
    '--schema',
    join(repoRoot, 'schemas', 'environment.avsc'),
    '--state-dir',
    stateDir,
    ...passArgs,
  ]);
}

async function runSide(side: SideName, rep: number, admin: Admin, ends: Map<number, bigint>): Promise<SideResult> {
  const tag = side === 'iotp' ? 'iotp' : 'ks';
  const passes = ['cold', 'warm'].map((p) => {
    const appId = `${prefix}-r${rep}-${tag}-${p}`;
    return { appId, output: `${appId}.out` };
  });
  groups.push(...passes.map((p) => p.appId));
  await admin.createTopics(passes.map((p) => ({ topic: p.output, partitions })));
  const stateDir = mkdtempSync(join(tmpdir(), 'iotp-peers-kstreams-state-'));
  const spawned = Date.now();
  const proc = spawnSide(side, passes, stateDir);
  const out: PassResult[] = [];
  let startS = 0;
  let rss = Number.NaN;
  try {
    for (const [i, pass] of passes.entries()) {
      const first = await proc.waitFor(new RegExp(`^(FIRST ${pass.appId} |ERROR)`), 180_000, side);
      if (first.text.startsWith('ERROR')) throw new Error(`${side}: ${first.text}\n${proc.tail()}`);
      const firstAt = Number(first.text.split(' ')[2]);
      if (i === 0) startS = (firstAt - spawned) / 1000;
      const cpu0 = cpuSeconds(proc.pid);
      await waitWithProgress(
        `${side} ${i === 0 ? 'cold' : 'warm'} pass`,
        async () => {
          const err = proc.lines.find((l) => l.text.startsWith('ERROR'));
          if (err) throw new Error(`${side}: ${err.text}\n${proc.tail()}`);
          if (proc.exited) throw new Error(`${side} exited:\n${proc.tail()}`);
          return caughtUp(admin, pass.appId, ends);
        },
        () => `${((Date.now() - firstAt) / 1000).toFixed(0)} s since the first record`,
        timeoutMs,
        100,
      );
      const done = Date.now();
      const cpu = cpuSeconds(proc.pid) - cpu0;
      const seconds = (done - firstAt) / 1000;
      out.push({ appId: pass.appId, seconds, rate: records / seconds, cpuS: cpu, results: 0 });
      rss = peakRssMiB(proc.pid);
      proc.writeLine('next');
      await proc.waitFor(new RegExp(`^CLOSED ${pass.appId}`), 120_000, side);
    }
    const code = (await proc.waitExit(30_000)) ?? (await proc.stop());
    if (code !== 0) note(`${side} exited with ${code}:\n${proc.tail()}`);
    const client = await kafkaClientFromEnv(env, `${prefix}-count`);
    for (const [i, pass] of passes.entries()) {
      (out[i] as PassResult).results = await countCommitted(client, admin, pass.output);
    }
    return { cold: out[0] as PassResult, warm: out[1] as PassResult, rssMiB: rss, startS };
  } finally {
    await proc.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  note(
    `streams: ${records} records, ${keys} keys, ${partitions} partitions, ${reps} reps, iotp backend ${values.backend}; ${codeState()}; load ${loadAverage()}`,
  );
  const client = await kafkaClientFromEnv(env, prefix);
  const admin = client.admin();
  await admin.connect();
  const results: Record<SideName, SideResult>[] = [];
  const orders: string[] = [];
  try {
    await admin.createTopics([{ topic: input, partitions }]);
    note(`producing the input ${input}`);
    const produceS = await produceInput(client);
    const ends = new Map((await admin.topicOffsets(input)).map((o) => [o.partition, BigInt(o.high)]));
    note(`produced ${records} records in ${produceS.toFixed(1)} s`);
    for (let rep = 0; rep < reps; rep++) {
      const order = sidesInOrder<SideName>(rep, 'iotp', 'kafka-streams');
      orders.push(order.join(','));
      const r = {} as Record<SideName, SideResult>;
      for (const side of order) {
        note(`rep ${rep + 1}/${reps}: ${side} (load ${loadAverage()})`);
        r[side] = await runSide(side, rep, admin, ends);
        const s = r[side];
        note(
          `rep ${rep + 1}/${reps}: ${side} cold ${fmtRate(s.cold.rate)} rec/s (${s.cold.seconds.toFixed(1)} s, CPU ${s.cold.cpuS.toFixed(1)} s, ${s.cold.results} results), warm ${fmtRate(s.warm.rate)} rec/s (${s.warm.seconds.toFixed(1)} s, CPU ${s.warm.cpuS.toFixed(1)} s, ${s.warm.results} results); spawn -> first record ${s.startS.toFixed(1)} s; peak RSS ${Math.round(s.rssMiB)} MiB`,
        );
      }
      results.push(r);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
    await deleteTopicsWithPrefix(client, prefix).catch((e: unknown) => note(`could not delete topics: ${String(e)}`));
    deleteGroups(paths, brokers, groups);
    await deleteSubjects(env.SCHEMA_REGISTRY_URL as string, [`${input}-value`]);
  }
  const title = (pass: string) =>
    `Stream worker, ${pass}: ${records} Avro records, ${keys} keys, 1-minute windows, final results, exactly-once, one thread (records/s = records / (first record read -> offsets committed at the end))`;
  const extra = (r: Record<SideName, SideResult>, p: 'cold' | 'warm') =>
    `${r.iotp[p].results} / ${r['kafka-streams'][p].results} | ${Math.round((r.iotp[p].cpuS / records) * 1e6)} / ${Math.round((r['kafka-streams'][p].cpuS / records) * 1e6)}`;
  const medians: Record<string, number> = {};
  for (const p of ['cold', 'warm'] as const) {
    medians[p] = printTable(
      title(
        p === 'cold'
          ? 'pass 1 (JIT-cold: a fresh process)'
          : 'pass 2 (JIT-warm: the same process again, a new application id)',
      ),
      'rec/s',
      'kafka-streams',
      results.map((r, i) => ({
        rep: i + 1,
        first: orders[i] as string,
        iotp: r.iotp[p].rate,
        peer: r['kafka-streams'][p].rate,
        extra: extra(r, p),
      })),
      'results iotp / kafka-streams | CPU µs/record iotp / kafka-streams',
    );
  }
  process.stdout.write(
    `peak RSS (MiB) iotp / kafka-streams per rep: ${results.map((r) => `${Math.round(r.iotp.rssMiB)} / ${Math.round(r['kafka-streams'].rssMiB)}`).join(', ')}; spawn -> first record (s): ${results.map((r) => `${r.iotp.startS.toFixed(1)} / ${r['kafka-streams'].startS.toFixed(1)}`).join(', ')}\n`,
  );
  process.stdout.write(
    `warm/cold speed-up: iotp ${fmtRatio(median(results.map((r) => r.iotp.warm.rate / r.iotp.cold.rate)))}, kafka-streams ${fmtRatio(median(results.map((r) => r['kafka-streams'].warm.rate / r['kafka-streams'].cold.rate)))} (medians)\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'streams-vs-kafka-streams', date: new Date().toISOString(), code: codeState(), reps, records, keys, partitions, backend: values.backend, medianRatioCold: medians.cold, medianRatioWarm: medians.warm, results, seconds: Math.round((Date.now() - started) / 1000), loadAverage: loadAverage() })}\n`,
  );
}

main()
  .then(() => process.exit(0))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
