import { describe, expect, it } from 'vitest';
import { makeReadings, produceReadings, recentStart, statsTopics } from '../../streams/test-utils/stats-fixture.js';
import { statsReference } from '../../streams/test-utils/stats-reference.js';
import type { StatsResult } from '../../streams/test-utils/stats-topology.js';
import { startStatsWorker } from '../../streams/test-utils/stats-worker-process.js';
import type { ChildWorker } from '../helpers/child-process.js';
import { readTopic } from '../helpers/kafka.js';
import { pollUntil } from '../helpers/wait.js';

const RECORDS = Number(process.env.STREAMS_REBALANCE_RECORDS ?? 6_000);
const PARTITIONS = 6;
const WINDOW = 1_000;
const GRACE = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rebalance (real broker, workers as child processes)', () => {
  it(
    '1 -> 2 -> 3 replicas while records flow, then one stops: results stay exact',
    { timeout: 600_000 },
    async ({ onTestFinished }) => {
      const workers: ChildWorker[] = [];
      const { client, app, input, output } = await statsTopics('rebal', PARTITIONS, onTestFinished, async () => {
        for (const w of workers) await w.kill9();
      });
      const readings = makeReadings({
        count: RECORDS,
        devices: 300,
        partitions: PARTITIONS,
        startMs: recentStart(),
        stepMs: 5,
        jitterMs: 80,
      });
      const ref = statsReference(readings, WINDOW, GRACE);
      const workerEnv = {
        STATS_APP_ID: app,
        STATS_INPUT: input,
        STATS_OUTPUT: output,
        STATS_WINDOW_MS: String(WINDOW),
        STATS_GRACE_MS: String(GRACE),
        IOTP_STREAMS__PROCESSING_GUARANTEE: 'exactly_once',
        IOTP_STREAMS__SESSION_TIMEOUT: '6s',
        LOG_LEVEL: 'info',
        KAFKA_BACKEND: process.env.KAFKA_BACKEND ?? 'kafkajs',
      };
      const spawn = async () => {
        const w = await startStatsWorker(workerEnv);
        workers.push(w);
        return w;
      };
      const producer = client.producer();
      await producer.connect();
      onTestFinished(() => producer.disconnect());
      const chunks = 40;
      const perChunk = Math.ceil(RECORDS / chunks);
      const producing = (async () => {
        for (let i = 0; i < RECORDS; i += perChunk) {
          await produceReadings(producer, input, readings.slice(i, i + perChunk));
          await sleep(750);
        }
      })();

      const first = await spawn();
      await sleep(6_000);
      const second = await spawn();
      await sleep(8_000);
      const third = await spawn();
      await sleep(8_000);
      expect(await first.stop(), first.output()).toBe(0); // clean: commit, leave the group
      await producing;

      let results: StatsResult[] = [];
      const complete = await pollUntil(
        async () => {
          results = (await readTopic(client, output, 'read_committed')).map(
            (r) => JSON.parse(r.value?.toString() ?? 'null') as StatsResult,
          );
          return results.length >= ref.results.size;
        },
        120_000,
        1_000,
      );
      expect(
        complete,
        `only ${results.length} of ${ref.results.size}; logs:\n${second.output()}\n${third.output()}`,
      ).toBe(true);
      expect(second.child.exitCode, second.output()).toBeNull(); // survived every rebalance
      expect(third.child.exitCode, third.output()).toBeNull();
      expect(await second.stop()).toBe(0);
      expect(await third.stop()).toBe(0);
      const got = new Map(results.map((r) => [`${r.deviceId}@${r.windowStart}`, r]));
      expect(results.length, 'a window result was emitted twice').toBe(got.size);
      expect(got).toEqual(ref.results);
    },
  );
});
