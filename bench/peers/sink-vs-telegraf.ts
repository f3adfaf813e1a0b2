/**
 * Kafka -> InfluxDB: iotp's InfluxDB sink vs Telegraf (inputs.kafka_consumer -> outputs.influxdb), side
 * by side on the local stack, over the same readings (a backlog, as after an outage).
 *
 *   node_modules/.bin/tsx bench/peers/sink-vs-telegraf.ts [--reps 3] [--points 200000] [--devices 500]
 *     [--partitions 4] [--batch 5000] [--backend kafkajs|rdkafka] [--profile <dir>] [--only iotp|telegraf]
 *
 * --profile runs iotp's sink under `node --cpu-prof` (profiles written to <dir> when it stops; summarise
 * one with bench/profile/summarize.ts); --only runs one side (no ratio), e.g. to profile.
 *
 * The readings (connectors/influxdb-sink/test-support makeReadings) are produced once to two topics:
 * Avro in the Confluent wire format for iotp, and the same readings as InfluxDB line protocol (encoded
 * with iotp's own encoder, so both sides write the same lines) for Telegraf, whose Avro parser cannot
 * take a timestamp-millis field as the metric time. Each rep runs each side as a fresh process with
 * a fresh consumer group and its own InfluxDB database, v1 API, --batch points per write.
 * Time = the process's first log line after loading its config (iotp: 'worker starting', Telegraf:
 * 'Starting Telegraf'; Kafka connect and group join are inside) -> InfluxDB's shards of the side's
 * database counted every point as written (writePointsOk of SHOW STATS, in-memory counters polled
 * every 100 ms; an HTTP proxy counting acknowledged lines was tried first and slowed Telegraf's writes
 * by half). Also printed: the same start -> the group's offsets committed at the end of the topic.
 * At the end the points are counted in each database with InfluxQL. The side that goes first alternates.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { encodePoint } from '../../connectors/influxdb-sink/line-protocol.js';
import type { Point } from '../../connectors/influxdb-sink/point.js';
import {
  allCommitted,
  kafkaFor,
  makeReadings,
  recentStart,
  registryAndEncoder,
  schemaFile,
  spawnSink,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import { influxQl } from '../../lib/influx/influxql-client.js';
import type { Admin } from '../../lib/kafka/types.js';
import { loadStackEnv, repoRoot } from '../../lib/runtime/stack-env.js';
import { uniqueName } from '../../test/helpers/stack.js';
import { deleteTopicsWithPrefix } from '../streams/avro-stats.js';
import {
  codeState,
  cpuSeconds,
  deleteGroups,
  deleteSubjects,
  fmtRate,
  installPeers,
  intFlag,
  type Line,
  loadAverage,
  note,
  peakRssMiB,
  printTable,
  sidesInOrder,
  spawnTelegraf,
  toml,
  waitWithProgress,
} from './common.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    points: { type: 'string', default: '200000' },
    devices: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '4' },
    batch: { type: 'string', default: '5000' },
    backend: { type: 'string', default: 'kafkajs' },
    'timeout-s': { type: 'string', default: '600' },
    profile: { type: 'string' },
    only: { type: 'string' },
  },
});
const reps = intFlag('reps', values.reps);
const total = intFlag('points', values.points);
const devices = intFlag('devices', values.devices);
const partitions = intFlag('partitions', values.partitions);
const batch = intFlag('batch', values.batch);
const timeoutMs = intFlag('timeout-s', values['timeout-s']) * 1000;
/** iotp's default buffer (SINK_MAX_BUFFERED_POINTS: max(10 x batch, 50,000)) = Telegraf's max_undelivered_messages. */
const maxBuffered = Math.max(10 * batch, 50_000);

const env = loadStackEnv();
for (const k of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'INFLUX_URL'])
  if (!env[k]) throw new Error(`${k} is not set: start the stack with 'make stack-up'`);
const brokers = env.KAFKA_BROKERS as string;
const influxUrl = env.INFLUX_URL as string;
const paths = installPeers();
const run = uniqueName('peers-sink');
const dbBase = run.replace(/[^A-Za-z0-9_]/g, '_');
const avroTopic = `${run}.environment`;
const lpTopic = `${run}.environment-lp`;
const groups: string[] = [];
const influxPid = (() => {
  try {
    const stackDir = process.env.IOTP_STACK_DIR ?? join(repoRoot, '.stack');
    return Number(readFileSync(join(stackDir, 'pids', 'influxdb.pid'), 'utf8').trim());
  } catch {
    return 0;
  }
})();
const server = influxQl({
  url: influxUrl,
  database: 'telemetry',
  username: env.INFLUX_USERNAME,
  password: env.INFLUX_PASSWORD,
});

type SideName = 'iotp' | 'telegraf';

interface SideResult {
  influxCpuS: number;
  harnessCpuS: number;
  rate: number;
  commitRate: number;
  seconds: number;
  commitSeconds: number;
  firstWriteS: number;
  spawnToStartS: number;
  cpuS: number;
  rssMiB: number;
  counted: number;
  writes: number;
}

/** Points InfluxDB wrote to the shards of `db` and shard write requests so far (SHOW STATS: in-memory counters, no data scan). */
async function writtenPoints(db: string): Promise<{ points: number; requests: number }> {
  const stats = await server.query("SHOW STATS FOR 'shard'");
  let points = 0;
  let requests = 0;
  for (const series of stats.series) {
    if (series.tags?.database !== db) continue;
    const row = series.values[0] ?? [];
    points += Number(row[series.columns.indexOf('writePointsOk')] ?? 0);
    requests += Number(row[series.columns.indexOf('writeReqOk')] ?? 0);
  }
  return { points, requests };
}

async function produceInput(): Promise<void> {
  const kafka = kafkaFor(env, `${run}-produce`);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics([
    { topic: avroTopic, partitions },
    { topic: lpTopic, partitions },
  ]);
  await admin.disconnect();
  const { encoder } = await registryAndEncoder(env, avroTopic, schemaFile('environment'));
  const readings = makeReadings(total, devices, recentStart());
  const producer = kafka.producer();
  await producer.connect();
  const t0 = Date.now();
  for (let i = 0; i < total; i += 5000) {
    const slice = readings.slice(i, i + 5000);
    await producer.send(
      slice.map((r) => ({ topic: avroTopic, key: r.deviceId, value: encoder.encodeSync(r), timestamp: r.ts })),
    );
    // The point iotp's sink makes of the reading (tags deviceId + site, null fields left out), as a line.
    await producer.send(
      slice.map((r) => {
        const point: Point = {
          measurement: 'environment',
          tags: { deviceId: r.deviceId, site: r.site },
          fields: {
            ...(r.temperature === null ? {} : { temperature: { kind: 'float', value: r.temperature } }),
            ...(r.humidity === null ? {} : { humidity: { kind: 'float', value: r.humidity } }),
            ...(r.pressure === null ? {} : { pressure: { kind: 'float', value: r.pressure } }),
          },
          timestampMs: r.ts,
        };
        return { topic: lpTopic, key: r.deviceId, value: Buffer.from(encodePoint(point)), timestamp: r.ts };
      }),
    );
    if ((i / 5000) % 10 === 9) note(`  produced ${i + 5000} of ${total} readings to both topics`);
  }
  await producer.disconnect();
  note(
    `produced ${total} readings to ${avroTopic} (Avro) and ${lpTopic} (line protocol) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

function telegrafConfig(url: string, db: string, group: string): string {
  return `# rendered by bench/peers/sink-vs-telegraf.ts
[agent]
  interval = "10s"
  round_interval = false
  metric_batch_size = ${batch}
  metric_buffer_limit = ${2 * maxBuffered}
  collection_jitter = "0s"
  flush_interval = "1s"
  flush_jitter = "0s"
  omit_hostname = true

[[inputs.kafka_consumer]]
  brokers = [${toml(brokers)}]
  kafka_version = "3.9.0"
  topics = [${toml(lpTopic)}]
  consumer_group = ${toml(group)}
  offset = "oldest"
  max_undelivered_messages = ${maxBuffered}
  data_format = "influx"
  influx_timestamp_precision = "1ms"

[[outputs.influxdb]]
  urls = [${toml(url)}]
  database = ${toml(db)}
  skip_database_creation = true
  username = "\${PEERS_INFLUX_USERNAME}"
  password = "\${PEERS_INFLUX_PASSWORD}"
  content_encoding = "identity"
  timeout = "30s"
`;
}

/** `iotp sink influxdb` from the sources under `node --cpu-prof` (node refuses it in NODE_OPTIONS). */
function spawnProfiledSink(sinkEnv: Record<string, string>) {
  const loader = `file://${join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')}`;
  const child = spawn(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${values.profile}`,
      '--enable-source-maps',
      '--import',
      loader,
      join(repoRoot, 'cli', 'main.ts'),
      'sink',
      'influxdb',
    ],
    { cwd: repoRoot, env: { ...process.env, ...sinkEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Lines of a child's stdout and stderr with their arrival time (for spawnSink's child). */
function trackLines(child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null }): Line[] {
  const lines: Line[] = [];
  const on = (text: string) => {
    lines.push({ text, at: Date.now() });
    if (lines.length > 5000) lines.splice(0, 1000);
  };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', on);
  if (child.stderr) createInterface({ input: child.stderr }).on('line', on);
  return lines;
}

async function runSide(side: SideName, rep: number, admin: Admin): Promise<SideResult> {
  const db = `${dbBase}_r${rep}_${side}`;
  const group = `${run}-r${rep}-${side}`;
  groups.push(group);
  await server.query(`CREATE DATABASE "${db}"`);
  const spawned = Date.now();
  let pid = 0;
  let lines: Line[] = [];
  let stop: () => Promise<unknown> = async () => undefined;
  let tail: () => string = () => '';
  const startLine = side === 'iotp' ? /worker starting/ : /Starting Telegraf/;
  const topic = side === 'iotp' ? avroTopic : lpTopic;
  try {
    if (side === 'iotp') {
      const sink = (values.profile ? spawnProfiledSink : spawnSink)({
        ...env,
        LOG_LEVEL: 'info',
        KAFKA_BACKEND: values.backend,
        METRICS_PORT: '0',
        INFLUX_URL: influxUrl,
        INFLUX_API: 'v1',
        INFLUX_DB: db,
        IOTP_SINK__TOPICS: `[${avroTopic}]`,
        IOTP_SINK__TOPIC_PREFIX: `${run}.`,
        IOTP_SINK__GROUP_ID: group,
        IOTP_SINK__BATCH_SIZE: String(batch),
        IOTP_KAFKA__TOPICS__DLQ: `${run}.dlq`,
        SINK_LAG_INTERVAL_MS: '60000',
      });
      pid = sink.child.pid as number;
      lines = trackLines(sink.child);
      stop = () => sink.stop();
      tail = () => sink.output().slice(-3000);
    } else {
      const telegraf = spawnTelegraf(paths, telegrafConfig(influxUrl, db, group), {
        PEERS_INFLUX_USERNAME: env.INFLUX_USERNAME ?? '',
        PEERS_INFLUX_PASSWORD: env.INFLUX_PASSWORD ?? '',
      });
      pid = telegraf.pid;
      lines = telegraf.lines;
      stop = () => telegraf.stop();
      tail = () => telegraf.tail(30);
    }
    await waitWithProgress(
      `${side} start line`,
      () => lines.some((l) => startLine.test(l.text)),
      () => tail(),
      120_000,
    );
    const startAt = (lines.find((l) => startLine.test(l.text)) as Line).at;
    const cpu0 = cpuSeconds(pid);
    const influx0 = cpuSeconds(influxPid);
    const harness0 = process.cpuUsage();
    let written = { points: 0, requests: 0 };
    let firstWriteAt = 0;
    await waitWithProgress(
      `${side}: all points written by InfluxDB`,
      async () => {
        written = await writtenPoints(db);
        if (written.points > 0 && firstWriteAt === 0) firstWriteAt = Date.now();
        return written.points >= total;
      },
      () => `${written.points} of ${total} points in ${written.requests} shard writes`,
      timeoutMs,
      100,
    );
    const writtenAt = Date.now();
    await waitWithProgress(
      `${side}: offsets committed`,
      () => allCommitted(admin, group, [topic], total),
      () => 'not yet',
      120_000,
      100,
    );
    const committedAt = Date.now();
    const cpuS = cpuSeconds(pid) - cpu0;
    const influxCpuS = cpuSeconds(influxPid) - influx0;
    const harness = process.cpuUsage(harness0);
    const rssMiB = peakRssMiB(pid);
    await stop();
    const count = await influxQl({
      url: influxUrl,
      database: db,
      username: env.INFLUX_USERNAME,
      password: env.INFLUX_PASSWORD,
    }).query('SELECT count(temperature) FROM environment');
    const counted = Number(count.series[0]?.values[0]?.[1] ?? 0);
    const seconds = (writtenAt - startAt) / 1000;
    const commitSeconds = (committedAt - startAt) / 1000;
    return {
      rate: total / seconds,
      commitRate: total / commitSeconds,
      seconds,
      commitSeconds,
      firstWriteS: (firstWriteAt - startAt) / 1000,
      spawnToStartS: (startAt - spawned) / 1000,
      cpuS,
      influxCpuS,
      harnessCpuS: (harness.user + harness.system) / 1e6,
      rssMiB,
      counted,
      writes: written.requests,
    };
  } catch (error) {
    note(`${side} output:\n${tail()}`);
    throw error;
  } finally {
    await stop();
    await server.query(`DROP DATABASE "${db}"`).catch((e: unknown) => note(`could not drop ${db}: ${String(e)}`));
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  note(
    `Kafka -> InfluxDB: ${reps} reps of ${total} points (${devices} devices, ${partitions} partitions, batch ${batch}, iotp backend ${values.backend}); ${codeState()}; load ${loadAverage()}`,
  );
  const kafka = kafkaFor(env, `${run}-admin`);
  const admin = kafka.admin();
  await admin.connect();
  const results: Record<SideName, SideResult>[] = [];
  const orders: string[] = [];
  try {
    await produceInput();
    for (let rep = 0; rep < reps; rep++) {
      const order = sidesInOrder<SideName>(rep, 'iotp', 'telegraf').filter(
        (side) => values.only === undefined || side === values.only,
      );
      orders.push(order.join(','));
      const r = {} as Record<SideName, SideResult>;
      for (const side of order) {
        note(`rep ${rep + 1}/${reps}: ${side} (load ${loadAverage()})`);
        const s = await runSide(side, rep, admin);
        r[side] = s;
        note(
          `rep ${rep + 1}/${reps}: ${side} ${fmtRate(s.rate)} points/s written by InfluxDB (${s.seconds.toFixed(1)} s; first write after ${s.firstWriteS.toFixed(1)} s; ${s.writes} shard writes), ${fmtRate(s.commitRate)} points/s to offsets committed (${s.commitSeconds.toFixed(1)} s); ${s.counted} points counted in InfluxDB; CPU s to the commit: side ${s.cpuS.toFixed(1)}, influxd ${s.influxCpuS.toFixed(1)}, harness (polling) ${s.harnessCpuS.toFixed(1)}; peak RSS ${Math.round(s.rssMiB)} MiB; spawn -> start line ${s.spawnToStartS.toFixed(1)} s`,
        );
        if (s.counted !== total) note(`WARNING: ${side} wrote ${s.counted} points, expected ${total}`);
      }
      results.push(r);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
    await deleteTopicsWithPrefix(kafka, run).catch((e: unknown) => note(`could not delete topics: ${String(e)}`));
    deleteGroups(paths, brokers, groups);
    await deleteSubjects(env.SCHEMA_REGISTRY_URL as string, [`${avroTopic}-value`]);
  }
  if (values.only !== undefined) {
    process.stdout.write(`${JSON.stringify({ bench: 'sink-vs-telegraf', only: values.only, results })}\n`);
    return;
  }
  const m = printTable(
    `Kafka -> InfluxDB, ${total} points, one replica each, v1 API, batches of ${batch} (points/s = points / (process start line -> InfluxDB wrote the last point, SHOW STATS polled every 100 ms))`,
    'points/s',
    'telegraf',
    results.map((r, i) => ({
      rep: i + 1,
      first: orders[i] as string,
      iotp: r.iotp.rate,
      peer: r.telegraf.rate,
      extra: `${fmtRate(r.iotp.commitRate)} / ${fmtRate(r.telegraf.commitRate)} | ${r.iotp.counted} / ${r.telegraf.counted} | ${Math.round((r.iotp.cpuS / total) * 1e6)} / ${Math.round((r.telegraf.cpuS / total) * 1e6)} | ${Math.round(r.iotp.rssMiB)} / ${Math.round(r.telegraf.rssMiB)}`,
    })),
    'to offsets committed, points/s iotp / telegraf | points in InfluxDB iotp / telegraf | CPU µs/point iotp / telegraf | peak RSS MiB iotp / telegraf',
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'sink-vs-telegraf', date: new Date().toISOString(), code: codeState(), reps, points: total, devices, partitions, batch, backend: values.backend, medianRatio: m, results, seconds: Math.round((Date.now() - started) / 1000), loadAverage: loadAverage() })}\n`,
  );
}

main()
  .then(() => process.exit(0))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
