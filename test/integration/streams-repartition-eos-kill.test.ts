import { describe, expect, it } from 'vitest';
import { type SiteTotal, siteOf } from '../../streams/runtime/joins/test-support/site-count-topology.js';
import { makeReadings, produceReadings, recentStart, statsTopics } from '../../streams/test-utils/stats-fixture.js';
import { type ChildWorker, freePort, spawnTsx } from '../helpers/child-process.js';
import { kafkaClientFromEnv, readTopic } from '../helpers/kafka.js';
import { pollUntil } from '../helpers/wait.js';

// Scale: CI defaults; more with STREAMS_REPARTITION_RECORDS / STREAMS_REPARTITION_KILLS.
const RECORDS = Number(process.env.STREAMS_REPARTITION_RECORDS ?? 4_000);
const KILLS = Math.max(1, Number(process.env.STREAMS_REPARTITION_KILLS ?? 3));
const PARTITIONS = 3;
const SITES = 7;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('repartition (groupBy a new key + aggregate) under exactly_once and kill -9 (real broker)', () => {
  it(
    `kills the worker ${KILLS} times while ${RECORDS} readings flow: every site total is emitted once per reading, in order, and the repartition topic holds each reading once`,
    { timeout: 600_000 },
    async ({ onTestFinished }) => {
      const workers: ChildWorker[] = [];
      const { env, client, app, input, output } = await statsTopics('repart', PARTITIONS, onTestFinished, async () => {
        for (const w of workers) await w.kill9();
      });
      const readings = makeReadings({
        count: RECORDS,
        devices: 100,
        partitions: PARTITIONS,
        startMs: recentStart(),
        stepMs: 5,
      });
      // The reference: per site, the totals after each of its readings (any order within a site is
      // not fixed across input partitions, so the check is on counts and the final sum).
      const want = new Map<string, SiteTotal>();
      for (const r of readings) {
        const site = siteOf(r.key, SITES);
        const t = want.get(site) ?? { count: 0, sum: 0 };
        want.set(site, { count: t.count + 1, sum: t.sum + r.value });
      }
      const spawn = async (logLevel = 'warn') => {
        const w = spawnTsx('streams/runtime/joins/test-support/site-count-worker.ts', [], {
          logLevel,
          env: {
            METRICS_PORT: String(await freePort()),
            SITES_APP_ID: app,
            SITES_INPUT: input,
            SITES_OUTPUT: output,
            SITES_COUNT: String(SITES),
            IOTP_STREAMS__PROCESSING_GUARANTEE: 'exactly_once',
            IOTP_STREAMS__COMMIT_INTERVAL: '100ms',
            IOTP_STREAMS__IDLE_TIMEOUT: '0',
            IOTP_STREAMS__SESSION_TIMEOUT: '6s',
            KAFKA_BACKEND: process.env.KAFKA_BACKEND ?? 'kafkajs',
          },
        });
        workers.push(w);
        return w;
      };

      const producer = client.producer();
      await producer.connect();
      onTestFinished(() => producer.disconnect());
      // The input comes in one slice per worker, produced (paced) once that worker is ready, so each
      // worker has work in hand when it is killed, whatever the box's speed.
      const slices = KILLS + 1;
      const perSlice = Math.ceil(RECORDS / slices);
      const produceSlice = async (k: number) => {
        const slice = readings.slice(k * perSlice, (k + 1) * perSlice);
        for (let i = 0; i < slice.length; i += 100) {
          await produceReadings(producer, input, slice.slice(i, i + 100));
          await sleep(50);
        }
      };

      const progress: number[] = [];
      let rng = 7;
      const random = () => {
        rng = (rng * 1103515245 + 12345) % 2 ** 31;
        return rng / 2 ** 31;
      };
      for (let k = 0; k < KILLS; k++) {
        const w = await spawn();
        expect(await w.waitReady(60_000), w.output()).toBe(true);
        const producing = produceSlice(k);
        // Kill while it works: once it has committed something of this slice, at a random point.
        const before = progress[progress.length - 1] ?? 0;
        const working = await pollUntil(
          async () => (await readTopic(client, output, 'read_committed')).length > before,
          60_000,
          200,
        );
        expect(working, `worker ${k + 1} committed nothing in 60 s:\n${w.output().slice(-4_000)}`).toBe(true);
        await sleep(Math.floor(random() * 500));
        await w.kill9();
        expect(w.child.signalCode).toBe('SIGKILL');
        await producing;
        progress.push((await readTopic(client, output, 'read_committed')).length);
      }

      const last = await spawn('info');
      // Ready before anything else: a SIGTERM before the worker's handlers exist ends it by the signal.
      expect(await last.waitReady(60_000), last.output()).toBe(true);
      await produceSlice(KILLS);
      let totals: { site: string; total: SiteTotal }[] = [];
      const complete = await pollUntil(
        async () => {
          totals = (await readTopic(client, output, 'read_committed')).map((r) => ({
            site: r.key?.toString() ?? '',
            total: JSON.parse(r.value?.toString() ?? 'null') as SiteTotal,
          }));
          return totals.length >= RECORDS;
        },
        180_000,
        1_000,
      );
      expect(complete, `only ${totals.length} of ${RECORDS} totals; worker log:\n${last.output()}`).toBe(true);
      const code = await last.stop();
      expect(code, `exit ${code} signal ${last.child.signalCode}:\n${last.output().slice(-6_000)}`).toBe(0);
      console.info(
        `repartition kill test: ${RECORDS} readings, ${KILLS} kills, totals committed after each kill: ${progress.join(', ')} of ${RECORDS}`,
      );
      // Every kill landed mid-input: results committed before it, the input not finished.
      for (const n of progress) expect(n > 0 && n < RECORDS, `progress ${progress}`).toBe(true);

      // Exactly once: per site, the committed totals count 1, 2, ..., n with no gap or repeat, and
      // the last one is the reference (count and sum).
      expect(totals).toHaveLength(RECORDS);
      for (const [site, t] of want) {
        const mine = totals.filter((x) => x.site === site).map((x) => x.total);
        expect(
          mine.map((x) => x.count),
          site,
        ).toEqual(Array.from({ length: t.count }, (_, i) => i + 1));
        expect(mine[mine.length - 1], site).toEqual(t);
      }
      // The repartition topic is written in the tasks' transactions: read_committed, each reading once.
      const repartition = await readTopic(client, `${app}-site-totals-repartition`, 'read_committed');
      expect(repartition).toHaveLength(RECORDS);
      const other = kafkaClientFromEnv(env, `${app}-other`, {
        backend: client.backend === 'kafkajs' ? 'rdkafka' : 'kafkajs',
      });
      expect((await readTopic(other, output, 'read_committed')).length).toBe(RECORDS);
    },
  );
});
