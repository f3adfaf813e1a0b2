/**
 * Scaling under load (issue #8), `iotp sink influxdb` replicas as child processes on the real Kafka and
 * InfluxDB: one replica falls behind a steady input and its group's lag grows; two more replicas join
 * and take partitions (each logs its assignment and writes points), the lag drains to 0; one replica
 * stops and its partitions move to the other two, which write more input. InfluxDB then holds exactly
 * the expected points (count and content, none extra). Every phase is judged on measured lag,
 * assignments and counters, never on how fast anything went.
 *
 * What makes one replica slower than the input, on any machine: the sinks reach InfluxDB through a
 * TCP proxy of our own that delays every request by 100 ms, and a replica writes one batch of 50
 * points at a time, so one replica writes at most ~500 points/s and three ~1500/s against 1000
 * records/s of input. (Configuration alone, 5-point batches and a 200-point buffer, made one replica
 * fall behind on a loaded machine but kept up on a quiet one: a fresh clone's `make test` failed.)
 * SCALING_SINK_BATCH_SIZE, SCALING_SINK_DELAY_MS, SCALING_SINK_BUFFER and SCALING_SINK_RATE override
 * them for experiments.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  type ChildWorker,
  freePort,
  kafkaFor,
  makeReadings,
  recentStart,
  registryAndEncoder,
  schemaFile,
  spawnSink,
  tempDatabase,
  waitUntil,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import { startTcpProxy } from '../../connectors/mqtt-source/test-support/tcp-proxy.js';
import { quoteIdent } from '../../lib/influx/influxql-client.js';
import { groupLag, totalLag } from '../../lib/kafka/index.js';
import type { ConsumedRecord } from '../../lib/kafka/types.js';
import { scrapeMetric } from '../helpers/prometheus.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const PARTITIONS = 6;
const DEVICES = 60;
/** Points per InfluxDB request: one replica then writes well below the input rate. */
const BATCH_SIZE = Number(process.env.SCALING_SINK_BATCH_SIZE ?? 50);
/** Delay the proxy adds to every request to InfluxDB. */
const DELAY_MS = Number(process.env.SCALING_SINK_DELAY_MS ?? 100);
/** Input rate (records/s). */
const RATE = Number(process.env.SCALING_SINK_RATE ?? 1_000);
const CHUNK = 150;
const PHASE_A_SAMPLES = 8;
const PHASE_C_RECORDS = 3_000;
const MAX_RECORDS = 200_000;

interface Replica {
  name: string;
  port: number;
  proc: ChildWorker;
  /** Partitions owned, from the sink's own 'partitions assigned' / 'partitions revoked' log lines. */
  owned: number;
}

describe('scaling under load (sink replicas as child processes, real Kafka and InfluxDB)', () => {
  it(
    '1 replica builds lag, 3 replicas spread and drain it, 2 take over the stopped one: exactly the expected points',
    { timeout: 420_000 },
    async ({ onTestFinished }) => {
      const t0 = Date.now();
      const secs = (from: number) => Math.round((Date.now() - from) / 100) / 10;
      const name = uniqueName('sinkscale');
      const topic = `${name}.env`;
      const dlq = `${name}.dlq`;
      const measurement = topic.replace(/[.-]/g, '_');
      const groupId = `${name}-sink`;
      const kafka = kafkaFor(env, `${name}-test`);
      const admin = kafka.admin();
      await admin.connect();
      const replicas: Replica[] = [];
      const db = await tempDatabase(env, 'iotp_sinkscale');
      onTestFinished(async () => {
        for (const r of replicas) await r.proc.kill9();
        await admin.deleteTopics([topic, dlq]).catch(() => undefined);
        await admin.disconnect();
        await db.drop();
      });
      await admin.createTopics([
        { topic, partitions: PARTITIONS },
        { topic: dlq, partitions: 1 },
      ]);
      const { encoder } = await registryAndEncoder(env, topic, schemaFile('environment'));
      const readings = makeReadings(MAX_RECORDS, DEVICES, recentStart());

      const proxy = await startTcpProxy({ targetPort: Number(new URL(env.INFLUX_URL!).port), delayMs: DELAY_MS });
      onTestFinished(() => proxy.close());
      const sinkEnv = {
        ...db.env,
        INFLUX_URL: `http://127.0.0.1:${proxy.port}`,
        INFLUX_API: 'v2',
        IOTP_SINK__TOPICS: `[${topic}]`,
        IOTP_SINK__TOPIC_PREFIX: '',
        IOTP_SINK__GROUP_ID: groupId,
        IOTP_SINK__BATCH_SIZE: String(BATCH_SIZE),
        IOTP_SINK__LINGER: '50ms',
        // a small buffer: fetching pauses while 200 points wait, so the lag shows in the group's offsets
        IOTP_SINK__MAX_BUFFERED_POINTS: process.env.SCALING_SINK_BUFFER ?? '200',
        IOTP_KAFKA__TOPICS__DLQ: dlq,
        KAFKA_BACKEND: process.env.KAFKA_BACKEND ?? 'kafkajs',
        LOG_LEVEL: 'info',
        IOTP_SINK__SESSION_TIMEOUT: '10s',
      };
      const spawn = async (n: string): Promise<Replica> => {
        const port = await freePort();
        const proc = spawnSink({ ...sinkEnv, METRICS_PORT: String(port), SINK_REPLICA_ID: `${name}-${n}` });
        const r: Replica = { name: n, port, proc, owned: 0 };
        let partial = '';
        proc.child.stdout?.on('data', (chunk: Buffer) => {
          const lines = (partial + chunk.toString()).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) {
            if (!line.startsWith('{')) continue;
            const entry = JSON.parse(line) as { msg?: string; partitions?: number };
            if (entry.msg === 'partitions assigned') r.owned += entry.partitions ?? 0;
            if (entry.msg?.startsWith('partitions revoked')) r.owned -= entry.partitions ?? 0;
          }
        });
        replicas.push(r);
        return r;
      };
      const alive = (r: Replica) => {
        if (r.proc.child.exitCode !== null || r.proc.child.signalCode !== null)
          throw new Error(`${r.name} exited (${r.proc.child.exitCode}): ${r.proc.output().slice(-3000)}`);
      };
      const ready = (r: Replica) =>
        waitUntil(
          () => `${r.name} ready (${r.proc.output().slice(-3000)})`,
          async () => {
            alive(r);
            return fetch(`http://127.0.0.1:${r.port}/readyz`).then(
              (res) => res.status === 200,
              () => false,
            );
          },
          90_000,
        );
      /** Points written and committed by a replica (its records-out counter). */
      const written = async (r: Replica) => (await scrapeMetric(r.port, 'iotp_records_out_total')) ?? 0;

      const lagRows = () => groupLag(admin, groupId, [topic]);
      let peak = 0;
      const sampleLag = async () => {
        const lag = totalLag(await lagRows());
        peak = Math.max(peak, lag);
        return lag;
      };
      /** Waits until `group` (all alive) owns every partition, each replica at least one; returns the split. */
      const spread = async (group: Replica[]): Promise<number[]> => {
        await waitUntil(
          () => `partitions spread over ${group.map((r) => r.name)}: ${group.map((r) => r.owned)}`,
          async () => {
            for (const r of group) alive(r);
            await sampleLag();
            return group.every((r) => r.owned >= 1) && group.reduce((s, r) => s + r.owned, 0) === PARTITIONS;
          },
          120_000,
        );
        return group.map((r) => r.owned);
      };
      const drain = async (group: Replica[]) => {
        const from = Date.now();
        let last = -1;
        await waitUntil(
          () => `lag 0 (still ${last})`,
          async () => {
            for (const r of group) alive(r);
            last = await sampleLag();
            return last === 0;
          },
          150_000,
        );
        return secs(from);
      };

      const producer = kafka.producer();
      await producer.connect();
      let produced = 0;
      let inputOn = true;
      let feeding: Promise<void> = Promise.resolve();
      onTestFinished(async () => {
        inputOn = false; // a failed assertion leaves the input running: stop it before disconnecting
        await feeding.catch(() => undefined);
        await producer.disconnect();
      });
      /** Produces the next readings at RATE until `stop()` says so or `limit` records are out. */
      const feed = (stop: () => boolean, limit: number) =>
        (async () => {
          const start = Date.now();
          let sent = 0;
          while (!stop() && produced < limit) {
            const n = Math.min(CHUNK, limit - produced);
            await producer.send(
              readings.slice(produced, produced + n).map((r) => ({
                topic,
                partition: Number(r.deviceId.slice('dev-'.length)) % PARTITIONS,
                key: r.deviceId,
                value: encoder.encodeSync(r),
                timestamp: r.ts,
              })),
            );
            produced += n;
            sent += n;
            const wait = start + (sent / RATE) * 1000 - Date.now();
            if (wait > 0) await sleep(wait);
          }
        })();

      // a. One replica, input faster than it writes: its group's lag grows while it makes progress.
      const s1 = await spawn('s1');
      await ready(s1);
      feeding = feed(() => !inputOn, MAX_RECORDS - PHASE_C_RECORDS);
      await waitUntil(
        () => `a first commit (${s1.proc.output().slice(-3000)})`,
        async () => (await admin.committedOffsets(groupId, [topic])).length > 0,
        60_000,
      );
      const phaseA: { lag: number; committed: number }[] = [];
      for (let i = 0; i < PHASE_A_SAMPLES; i++) {
        alive(s1);
        const rows = await lagRows();
        phaseA.push({ lag: totalLag(rows), committed: rows.reduce((s, r) => s + Number(r.committed ?? 0), 0) });
        await sleep(1_000);
      }
      const a0 = phaseA[0]!;
      const aN = phaseA[phaseA.length - 1]!;
      const rising = phaseA.slice(1).filter((s, i) => s.lag > phaseA[i]!.lag).length;
      expect(aN.committed, 'the single replica made no progress').toBeGreaterThan(a0.committed);
      expect(aN.lag, `lag did not grow with one replica: ${phaseA.map((s) => s.lag)}`).toBeGreaterThan(a0.lag);
      expect(rising, `lag grew in only ${rising} of ${phaseA.length - 1} steps`).toBeGreaterThanOrEqual(
        phaseA.length - 3,
      );
      expect(s1.owned).toBe(PARTITIONS);

      // b. Two more replicas while the input keeps coming: partitions spread over all three, and once
      // the input stops the lag drains to 0, every replica having written part of it.
      const bStart = Date.now();
      const lagAtScaleUp = aN.lag;
      peak = aN.lag;
      const s2 = await spawn('s2');
      const s3 = await spawn('s3');
      await Promise.all([ready(s2), ready(s3)]);
      const split3 = await spread([s1, s2, s3]);
      const spreadSecs = secs(bStart);
      const lagAtSpread = await sampleLag();
      const outBefore3 = await Promise.all([s1, s2, s3].map(written));
      await sleep(2_000); // input still flowing, now with three replicas
      inputOn = false;
      await feeding;
      const producedB = produced;
      const lagAtInputStop = await sampleLag();
      const peakB = peak;
      const drainSecs3 = await drain([s1, s2, s3]);
      const outAfter3 = await Promise.all([s1, s2, s3].map(written));
      for (const [i, r] of [s1, s2, s3].entries())
        expect(outAfter3[i], `${r.name} wrote nothing after the spread`).toBeGreaterThan(outBefore3[i]!);
      expect(lagAtInputStop, 'nothing was left to drain').toBeGreaterThan(0);

      // c. One replica stops cleanly: its partitions move to the other two, which write more input.
      const stopped = await Promise.race([s1.proc.stop(), sleep(60_000).then(() => 'no exit 60 s after SIGTERM')]);
      expect(stopped, s1.proc.output().slice(-3000)).toBe(0);
      const split2 = await spread([s2, s3]);
      const outBefore2 = await Promise.all([s2, s3].map(written));
      peak = 0;
      let feedingC = true;
      await Promise.all([
        feed(() => false, producedB + PHASE_C_RECORDS).finally(() => {
          feedingC = false;
        }),
        (async () => {
          while (feedingC) {
            await sampleLag();
            await sleep(250);
          }
        })(),
      ]);
      expect(produced).toBe(producedB + PHASE_C_RECORDS);
      const lagAtInputStopC = await sampleLag();
      const drainSecs2 = await drain([s2, s3]);
      const peakC = peak;
      const outAfter2 = await Promise.all([s2, s3].map(written));
      for (const [i, r] of [s2, s3].entries())
        expect(outAfter2[i], `${r.name} wrote nothing after the scale-down`).toBeGreaterThan(outBefore2[i]!);
      // every partition, the stopped replica's included, is committed up to its end
      const rowsC = await lagRows();
      expect(rowsC.map((r) => [r.partition, r.lag])).toEqual(Array.from({ length: PARTITIONS }, (_, p) => [p, 0]));
      for (const r of [s2, s3]) {
        const exit = await Promise.race([r.proc.stop(), sleep(60_000).then(() => 'no exit 60 s after SIGTERM')]);
        expect(exit, r.proc.output().slice(-3000)).toBe(0);
      }

      // d. InfluxDB holds exactly the produced readings: count and content, nothing extra.
      const expected = readings.slice(0, produced);
      const rows = await db.q.rows(
        `SELECT "temperature", "humidity", "site" FROM ${quoteIdent(measurement)} GROUP BY "deviceId"`,
      );
      expect(rows).toHaveLength(expected.length);
      const key = (r: Record<string, unknown>) => `${r.time}/${r.deviceId}`;
      const got = new Map(rows.map((r) => [key(r), r]));
      expect(got.size).toBe(expected.length);
      for (const r of expected) {
        const row = got.get(key({ time: r.ts, deviceId: r.deviceId }));
        expect(row, `${r.deviceId} at ${r.ts}`).toEqual({
          time: r.ts,
          deviceId: r.deviceId,
          site: r.site,
          temperature: r.temperature,
          humidity: r.humidity,
        });
      }
      const dead: ConsumedRecord[] = [];
      await kafka.replay({ topic: dlq, partitions: [0], onRecords: (rs) => void dead.push(...rs) });
      expect(dead).toEqual([]);

      console.info(
        `scaling-sink: ${produced} records, ${RATE}/s input, batch size ${BATCH_SIZE}; ` +
          `a) 1 replica: lag ${phaseA.map((s) => s.lag).join(' -> ')} (1 s apart); ` +
          `b) +2 replicas: partitions ${split3.join('/')} after ${spreadSecs} s, lag at scale-up ${lagAtScaleUp}, ` +
          `at spread ${lagAtSpread}, peak ${peakB}, at input stop ${lagAtInputStop}, 0 after ${drainSecs3} s; ` +
          `c) 1 stopped: partitions ${split2.join('/')}, ${PHASE_C_RECORDS} more records, lag at input stop ${lagAtInputStopC}, ` +
          `peak ${peakC}, 0 after ${drainSecs2} s; d) ${rows.length} points in InfluxDB, exact; total ${secs(t0)} s`,
      );
    },
  );
});
