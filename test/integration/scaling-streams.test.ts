/**
 * Scaling under load (issue #8), exactly_once streams workers as child processes on the real broker:
 * one replica falls behind a steady input (its consumer-group lag grows), two more replicas join and
 * take partitions (every one owns tasks), the lag drains to 0; one replica stops and its partitions
 * move to the other two, which process more input; the read_committed window results then equal the
 * offline reference exactly. The workers are slowed by a per-record wait (STATS_PROCESS_DELAY_MS) so
 * that one replica is slower than the input on any machine; every phase is judged on measured lag,
 * task gauges and record counters, never on how fast anything went.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { groupLag, totalLag } from '../../lib/kafka/index.js';
import { makeReadings, produceReadings, recentStart, statsTopics } from '../../streams/test-utils/stats-fixture.js';
import { statsReference } from '../../streams/test-utils/stats-reference.js';
import type { StatsResult } from '../../streams/test-utils/stats-topology.js';
import { startStatsWorker } from '../../streams/test-utils/stats-worker-process.js';
import { type ChildWorker, freePort } from '../helpers/child-process.js';
import { readTopic } from '../helpers/kafka.js';
import { scrapeMetric } from '../helpers/prometheus.js';
import { pollUntil } from '../helpers/wait.js';

const PARTITIONS = 6;
const WINDOW = 1_000;
const GRACE = 100;
/** Per input record: one replica handles well under 1000 records/s. */
const DELAY_MS = 1;
/** Input rate (records/s): above one replica's pace, below three replicas'. */
const RATE = 2_000;
const CHUNK = 200;
/** How long the lag of the single replica is watched. */
const PHASE_A_SAMPLES = 8;
/** Input after the scale-down. */
const PHASE_C_RECORDS = 6_000;
/** An upper bound of the input (only what was produced counts in the reference). */
const MAX_RECORDS = 200_000;

interface Replica {
  name: string;
  port: number;
  proc: ChildWorker;
}

describe('scaling under load (real broker, exactly_once workers as child processes)', () => {
  it(
    '1 replica builds lag, 3 replicas spread and drain it, 2 take over the stopped one: results exact',
    { timeout: 420_000 },
    async ({ onTestFinished }) => {
      const t0 = Date.now();
      const secs = (from: number) => Math.round((Date.now() - from) / 100) / 10;
      const replicas: Replica[] = [];
      const { client, admin, app, input, output } = await statsTopics('scale', PARTITIONS, onTestFinished, async () => {
        for (const r of replicas) await r.proc.kill9();
      });
      const readings = makeReadings({
        count: MAX_RECORDS,
        devices: 300,
        partitions: PARTITIONS,
        startMs: recentStart(),
        stepMs: 5,
        jitterMs: 80,
      });
      const workerEnv = {
        STATS_APP_ID: app,
        STATS_INPUT: input,
        STATS_OUTPUT: output,
        STATS_WINDOW_MS: String(WINDOW),
        STATS_GRACE_MS: String(GRACE),
        STATS_PROCESS_DELAY_MS: String(DELAY_MS),
        IOTP_STREAMS__PROCESSING_GUARANTEE: 'exactly_once',
        LOG_LEVEL: 'info',
        KAFKA_BACKEND: process.env.KAFKA_BACKEND ?? 'kafkajs',
      };
      const spawn = async (name: string): Promise<Replica> => {
        const port = await freePort();
        const proc = await startStatsWorker({
          ...workerEnv,
          METRICS_PORT: String(port),
        });
        const r = { name, port, proc };
        replicas.push(r);
        return r;
      };
      const alive = (r: Replica) => {
        if (r.proc.child.exitCode !== null || r.proc.child.signalCode !== null)
          throw new Error(`${r.name} exited (${r.proc.child.exitCode}): ${r.proc.output().slice(-3000)}`);
      };
      /** Joined and restored: /readyz on the port this test gave the worker. */
      const ready = async (r: Replica) => {
        const ok = await pollUntil(
          async () => {
            alive(r);
            return fetch(`http://127.0.0.1:${r.port}/readyz`).then(
              (res) => res.status === 200,
              () => false,
            );
          },
          90_000,
          200,
        );
        expect(ok, `${r.name} not ready: ${r.proc.output().slice(-3000)}`).toBe(true);
      };
      const tasks = (r: Replica) => scrapeMetric(r.port, 'iotp_streams_tasks');
      const recordsIn = async (r: Replica) => (await scrapeMetric(r.port, 'iotp_streams_records_in_total')) ?? 0;
      /** Waits until `group` (all alive) owns every partition, each member at least one; returns the split. */
      const spread = async (group: Replica[]): Promise<number[]> => {
        let split: number[] = [];
        const ok = await pollUntil(
          async () => {
            for (const r of group) alive(r);
            split = await Promise.all(group.map(async (r) => (await tasks(r)) ?? 0));
            await sampleLag();
            return split.every((n) => n >= 1) && split.reduce((a, b) => a + b, 0) === PARTITIONS;
          },
          120_000,
          500,
        );
        expect(ok, `tasks never spread over ${group.map((r) => r.name)}: ${split}`).toBe(true);
        return split;
      };

      const lagRows = () => groupLag(admin, app, [input]);
      let peak = 0;
      const sampleLag = async () => {
        const lag = totalLag(await lagRows());
        peak = Math.max(peak, lag);
        return lag;
      };
      const drain = async (group: Replica[]) => {
        const from = Date.now();
        let last = -1;
        const ok = await pollUntil(
          async () => {
            for (const r of group) alive(r);
            last = await sampleLag();
            return last === 0;
          },
          150_000,
          250,
        );
        expect(ok, `lag still ${last}`).toBe(true);
        return secs(from);
      };

      const producer = client.producer();
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
            await produceReadings(producer, input, readings.slice(produced, produced + n));
            produced += n;
            sent += n;
            const wait = start + (sent / RATE) * 1000 - Date.now();
            if (wait > 0) await sleep(wait);
          }
        })();

      // a. One replica, input faster than it goes: its group's lag grows while it makes progress.
      const w1 = await spawn('w1');
      await ready(w1);
      feeding = feed(() => !inputOn, MAX_RECORDS - PHASE_C_RECORDS);
      const firstCommit = await pollUntil(
        async () => (await admin.committedOffsets(app, [input])).length > 0,
        60_000,
        200,
      );
      expect(firstCommit, w1.proc.output().slice(-3000)).toBe(true);
      const phaseA: { lag: number; committed: number }[] = [];
      for (let i = 0; i < PHASE_A_SAMPLES; i++) {
        alive(w1);
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
      expect(await tasks(w1)).toBe(PARTITIONS);

      // b. Two more replicas while the input keeps coming: partitions spread over all three, and once
      // the input stops the lag drains to 0, every replica having processed part of it.
      const bStart = Date.now();
      const lagAtScaleUp = aN.lag;
      peak = aN.lag;
      const w2 = await spawn('w2');
      const w3 = await spawn('w3');
      await Promise.all([ready(w2), ready(w3)]);
      const split3 = await spread([w1, w2, w3]);
      const spreadSecs = secs(bStart);
      const lagAtSpread = await sampleLag();
      const inBefore3 = await Promise.all([w1, w2, w3].map(recordsIn));
      await sleep(2_000); // input still flowing, now with three replicas
      inputOn = false;
      await feeding;
      const producedB = produced;
      const lagAtInputStop = await sampleLag();
      const peakB = peak;
      const drainSecs3 = await drain([w1, w2, w3]);
      const inAfter3 = await Promise.all([w1, w2, w3].map(recordsIn));
      for (const [i, r] of [w1, w2, w3].entries())
        expect(inAfter3[i], `${r.name} processed nothing after the spread`).toBeGreaterThan(inBefore3[i]!);
      expect(lagAtInputStop, 'nothing was left to drain').toBeGreaterThan(0);

      // c. One replica stops cleanly: its partitions move to the other two, which process more input.
      expect(await w1.proc.stop(), w1.proc.output().slice(-3000)).toBe(0);
      const split2 = await spread([w2, w3]);
      const inBefore2 = await Promise.all([w2, w3].map(recordsIn));
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
      const drainSecs2 = await drain([w2, w3]);
      const peakC = peak;
      const inAfter2 = await Promise.all([w2, w3].map(recordsIn));
      for (const [i, r] of [w2, w3].entries())
        expect(inAfter2[i], `${r.name} processed nothing after the scale-down`).toBeGreaterThan(inBefore2[i]!);
      // every partition, the stopped replica's included, is committed up to its end
      const rowsC = await lagRows();
      expect(rowsC.map((r) => [r.partition, r.lag])).toEqual(Array.from({ length: PARTITIONS }, (_, p) => [p, 0]));

      // d. The read_committed results: every final window once, with the offline reference's values.
      const ref = statsReference(readings.slice(0, produced), WINDOW, GRACE);
      let results: StatsResult[] = [];
      const complete = await pollUntil(
        async () => {
          results = (await readTopic(client, output, 'read_committed')).map(
            (r) => JSON.parse(r.value?.toString() ?? 'null') as StatsResult,
          );
          return results.length >= ref.results.size;
        },
        60_000,
        1_000,
      );
      expect(complete, `only ${results.length} of ${ref.results.size}`).toBe(true);
      expect(await w2.proc.stop(), w2.proc.output().slice(-3000)).toBe(0);
      expect(await w3.proc.stop(), w3.proc.output().slice(-3000)).toBe(0);
      const got = new Map(results.map((r) => [`${r.deviceId}@${r.windowStart}`, r]));
      expect(results.length, 'a window result was emitted twice').toBe(got.size);
      expect(got).toEqual(ref.results);

      console.info(
        `scaling-streams: ${produced} records, ${RATE}/s input, ${DELAY_MS} ms/record per replica; ` +
          `a) 1 replica: lag ${phaseA.map((s) => s.lag).join(' -> ')} (1 s apart); ` +
          `b) +2 replicas: tasks ${split3.join('/')} after ${spreadSecs} s, lag at scale-up ${lagAtScaleUp}, ` +
          `at spread ${lagAtSpread}, peak ${peakB}, at input stop ${lagAtInputStop}, 0 after ${drainSecs3} s; ` +
          `c) 1 stopped: tasks ${split2.join('/')}, ${PHASE_C_RECORDS} more records, lag at input stop ${lagAtInputStopC}, ` +
          `peak ${peakC}, 0 after ${drainSecs2} s; d) ${results.length} window results exact; total ${secs(t0)} s`,
      );
    },
  );
});
