/**
 * Stream-table join throughput: iotp's stream runtime vs Kafka Streams 4.3.1 on the same join, the
 * same input and the same broker. Readings (`{ value }` JSON keyed by device) left-joined with a
 * device table (`{ site, model }` JSON, compacted topic, in-memory store) into `{ value, site }`,
 * exactly-once, one thread (streams/runtime/joins/test-support/enrich-topology.ts; its Java twin
 * bench/peers/kafka-streams/.../JoinApp.java).
 *
 *   node_modules/.bin/tsx bench/joins/join-vs-kafka-streams.ts [--reps 3] [--readings 200000]
 *     [--devices 10000] [--partitions 3] [--backend kafkajs|rdkafka]
 *
 * The input is produced once: every device row first (event times before any reading), then the
 * readings. Each rep starts a fresh process per side that runs the join twice over the same input,
 * each pass with its own application id: pass 1 JIT-cold, pass 2 JIT-warm. Time of a pass = the
 * first input value decoded (reported by the worker) -> the harness sees the group's committed
 * offsets at the end of both input topics (polled every 100 ms, the same code for both sides). The
 * outputs are then read (read_committed): records and readings joined with no row (`site: null`).
 * The side that goes first alternates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Admin, KafkaClient } from '../../lib/kafka/types.js';
import { loadStackEnv, repoRoot } from '../../lib/runtime/stack-env.js';
import { kafkaClientFromEnv } from '../../test/helpers/kafka.js';
import { uniqueName } from '../../test/helpers/stack.js';
import {
  codeState,
  cpuSeconds,
  deleteGroups,
  fmtRate,
  installPeers,
  intFlag,
  kstreamsClasspath,
  loadAverage,
  note,
  type Proc,
  peakRssMiB,
  printTable,
  sidesInOrder,
  spawnProc,
  waitWithProgress,
} from '../peers/common.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    readings: { type: 'string', default: '200000' },
    devices: { type: 'string', default: '10000' },
    partitions: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'kafkajs' },
    'timeout-s': { type: 'string', default: '900' },
  },
});
const reps = intFlag('reps', values.reps);
const readingCount = intFlag('readings', values.readings);
const deviceCount = intFlag('devices', values.devices);
const partitions = intFlag('partitions', values.partitions);
const timeoutMs = intFlag('timeout-s', values['timeout-s']) * 1000;

const env: Record<string, string> = { ...loadStackEnv(), KAFKA_BACKEND: values.backend };
if (!env.KAFKA_BROKERS) throw new Error("KAFKA_BROKERS is not set: start the stack with 'make stack-up'");
const brokers = env.KAFKA_BROKERS;
const paths = installPeers();
const prefix = uniqueName('bench-joins');
const readings = `${prefix}.readings`;
const devices = `${prefix}.devices`;
const groups: string[] = [];

type SideName = 'iotp' | 'kafka-streams';

interface PassResult {
  appId: string;
  seconds: number;
  /** Input records (readings + rows) per second. */
  rate: number;
  cpuS: number;
  results: number;
  unjoined: number;
}

interface SideResult {
  cold: PassResult;
  warm: PassResult;
  rssMiB: number;
}

const device = (i: number) => `dev-${String(i).padStart(6, '0')}`;

async function produceInput(client: KafkaClient): Promise<void> {
  const producer = client.producer({ lingerMs: 20 });
  await producer.connect();
  const base = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000; // recent: retention keeps it
  const chunk = 2_000;
  for (let i = 0; i < deviceCount; i += chunk) {
    const batch = [];
    for (let j = i; j < Math.min(deviceCount, i + chunk); j++)
      batch.push({
        topic: devices,
        key: device(j),
        value: Buffer.from(JSON.stringify({ site: `site-${j % 50}`, model: `m${j % 7}` })),
        timestamp: base,
      });
    await producer.send(batch);
  }
  for (let i = 0; i < readingCount; i += chunk) {
    const batch = [];
    for (let j = i; j < Math.min(readingCount, i + chunk); j++)
      batch.push({
        topic: readings,
        key: device(j % deviceCount),
        value: Buffer.from(JSON.stringify({ value: (j % 400) / 10 })),
        timestamp: base + 1 + Math.floor(j / 100),
      });
    await producer.send(batch);
  }
  await producer.disconnect();
}

async function caughtUp(admin: Admin, group: string, ends: Map<string, bigint>): Promise<boolean> {
  const committed = await admin.committedOffsets(group, [readings, devices]);
  return (
    committed.length === ends.size &&
    committed.every((c) => BigInt(c.offset) >= (ends.get(`${c.topic}/${c.partition}`) ?? 0n))
  );
}

async function countOutput(client: KafkaClient, admin: Admin, topic: string): Promise<[number, number]> {
  const parts = (await admin.topicOffsets(topic)).map((p) => p.partition);
  let n = 0;
  let unjoined = 0;
  await client.replay({
    topic,
    partitions: parts,
    isolation: 'read_committed',
    onRecords: (rs) => {
      n += rs.length;
      for (const r of rs) if ((JSON.parse(r.value?.toString() ?? '{}') as { site?: unknown }).site === null) unjoined++;
    },
  });
  return [n, unjoined];
}

function spawnSide(side: SideName, passes: { appId: string; output: string }[], stateDir: string): Proc {
  const passArgs = passes.flatMap((p) => ['--pass', `${p.appId}:${p.output}`]);
  if (side === 'iotp')
    return spawnProc(
      process.execPath,
      [
        '--import',
        `file://${join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')}`,
        join(repoRoot, 'bench', 'joins', 'iotp-join-worker.ts'),
        '--readings',
        readings,
        '--devices',
        devices,
        '--prefix',
        prefix,
        '--backend',
        values.backend,
        ...passArgs,
      ],
      { env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
  return spawnProc('java', [
    '-cp',
    kstreamsClasspath(paths),
    'dev.iotp.peers.JoinApp',
    '--bootstrap',
    brokers,
    '--readings',
    readings,
    '--devices',
    devices,
    '--state-dir',
    stateDir,
    ...passArgs,
  ]);
}

async function runSide(side: SideName, rep: number, admin: Admin, ends: Map<string, bigint>): Promise<SideResult> {
  const tag = side === 'iotp' ? 'iotp' : 'ks';
  const passes = ['cold', 'warm'].map((p) => {
    const appId = `${prefix}-r${rep}-${tag}-${p}`;
    return { appId, output: `${appId}.out` };
  });
  groups.push(...passes.map((p) => p.appId));
  await admin.createTopics(passes.map((p) => ({ topic: p.output, partitions })));
  const stateDir = mkdtempSync(join(tmpdir(), 'iotp-bench-joins-state-'));
  const proc = spawnSide(side, passes, stateDir);
  const out: PassResult[] = [];
  const inputs = readingCount + deviceCount;
  let rss = Number.NaN;
  try {
    for (const [i, pass] of passes.entries()) {
      const first = await proc.waitFor(new RegExp(`^(FIRST ${pass.appId} |ERROR)`), 180_000, side);
      if (first.text.startsWith('ERROR')) throw new Error(`${side}: ${first.text}\n${proc.tail()}`);
      const firstAt = Number(first.text.split(' ')[2]);
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
      const seconds = (Date.now() - firstAt) / 1000;
      out.push({
        appId: pass.appId,
        seconds,
        rate: inputs / seconds,
        cpuS: cpuSeconds(proc.pid) - cpu0,
        results: 0,
        unjoined: 0,
      });
      rss = peakRssMiB(proc.pid);
      proc.writeLine('next');
      await proc.waitFor(new RegExp(`^CLOSED ${pass.appId}`), 120_000, side);
    }
    const code = (await proc.waitExit(30_000)) ?? (await proc.stop());
    if (code !== 0) note(`${side} exited with ${code}:\n${proc.tail()}`);
    const client = kafkaClientFromEnv(env, `${prefix}-count`);
    for (const [i, pass] of passes.entries()) {
      const [n, unjoined] = await countOutput(client, admin, pass.output);
      (out[i] as PassResult).results = n;
      (out[i] as PassResult).unjoined = unjoined;
    }
    return { cold: out[0] as PassResult, warm: out[1] as PassResult, rssMiB: rss };
  } finally {
    await proc.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  note(
    `joins: ${readingCount} readings, ${deviceCount} device rows, ${partitions} partitions, ${reps} reps, iotp backend ${values.backend}; ${codeState()}; load ${loadAverage()}`,
  );
  const client = kafkaClientFromEnv(env, prefix);
  const admin = client.admin();
  await admin.connect();
  const results: Record<SideName, SideResult>[] = [];
  const orders: string[] = [];
  try {
    await admin.createTopics([
      { topic: readings, partitions },
      { topic: devices, partitions, config: { 'cleanup.policy': 'compact' } },
    ]);
    await produceInput(client);
    const ends = new Map<string, bigint>();
    for (const t of [readings, devices])
      for (const o of await admin.topicOffsets(t)) ends.set(`${t}/${o.partition}`, BigInt(o.high));
    note('input produced');
    for (let rep = 0; rep < reps; rep++) {
      const order = sidesInOrder<SideName>(rep, 'iotp', 'kafka-streams');
      orders.push(order.join(','));
      const r = {} as Record<SideName, SideResult>;
      for (const side of order) {
        note(`rep ${rep + 1}/${reps}: ${side} (load ${loadAverage()})`);
        r[side] = await runSide(side, rep, admin, ends);
        const s = r[side];
        note(
          `rep ${rep + 1}/${reps}: ${side} cold ${fmtRate(s.cold.rate)} rec/s (${s.cold.seconds.toFixed(1)} s, CPU ${s.cold.cpuS.toFixed(1)} s, ${s.cold.results} out, ${s.cold.unjoined} unjoined), warm ${fmtRate(s.warm.rate)} rec/s (${s.warm.seconds.toFixed(1)} s, CPU ${s.warm.cpuS.toFixed(1)} s, ${s.warm.results} out, ${s.warm.unjoined} unjoined); peak RSS ${Math.round(s.rssMiB)} MiB`,
        );
      }
      results.push(r);
    }
  } finally {
    const mine = (await admin.listTopics().catch(() => [] as string[])).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics(mine).catch((e: unknown) => note(`could not delete topics: ${String(e)}`));
    await admin.disconnect().catch(() => undefined);
    deleteGroups(paths, brokers, groups);
  }
  const inputs = readingCount + deviceCount;
  const medians: Record<string, number> = {};
  for (const p of ['cold', 'warm'] as const)
    medians[p] = printTable(
      `Stream-table left join, ${p === 'cold' ? 'pass 1 (JIT-cold)' : 'pass 2 (JIT-warm)'}: ${readingCount} readings + ${deviceCount} rows, exactly-once, one thread (records/s = input records / (first record decoded -> offsets committed at the end))`,
      'rec/s',
      'kafka-streams',
      results.map((r, i) => ({
        rep: i + 1,
        first: orders[i] as string,
        iotp: r.iotp[p].rate,
        peer: r['kafka-streams'][p].rate,
        extra: `${r.iotp[p].results} / ${r['kafka-streams'][p].results} | ${r.iotp[p].unjoined} / ${r['kafka-streams'][p].unjoined} | ${Math.round((r.iotp[p].cpuS / inputs) * 1e6)} / ${Math.round((r['kafka-streams'][p].cpuS / inputs) * 1e6)}`,
      })),
      'outputs iotp / ks | unjoined (site null) iotp / ks | CPU µs/record iotp / ks',
    );
  process.stdout.write(
    `peak RSS (MiB) iotp / kafka-streams per rep: ${results.map((r) => `${Math.round(r.iotp.rssMiB)} / ${Math.round(r['kafka-streams'].rssMiB)}`).join(', ')}\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'join-vs-kafka-streams', date: new Date().toISOString(), code: codeState(), reps, readings: readingCount, devices: deviceCount, partitions, backend: values.backend, medianRatioCold: medians.cold, medianRatioWarm: medians.warm, results, seconds: Math.round((Date.now() - started) / 1000), loadAverage: loadAverage() })}\n`,
  );
}

main()
  .then(() => process.exit(0))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
