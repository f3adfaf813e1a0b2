/**
 * kill -9 of `iotp sink parquet` (a child process) twice while records flow, then a restart: the
 * archive holds each (topic, partition, offset) of Kafka exactly once, with the record's values,
 * checked with DuckDB against the topic. Event times are spread over three hours and out of order,
 * so each partition has several files open at once when it is killed. ARCHIVE_CRASH_RECORDS sets the
 * scale (6,000 here; the benchmark runs 50,000).
 */
import { describe, expect, it } from 'vitest';
import {
  recentStart,
  registryAndEncoder,
  schemaFile,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import {
  archiveEnv,
  type ChildWorker,
  duck,
  spawnArchiveSink,
  tempArchive,
  topicGlob,
} from '../../connectors/parquet-sink/test-support/archive-fixture.js';
import type { Admin } from '../../lib/kafka/types.js';
import { allCommitted, kafkaClientFromEnv, readTopic, testDecoder } from '../helpers/kafka.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';
import { waitUntil } from '../helpers/wait.js';

const env = stackEnv();
const RECORDS = Number(process.env.ARCHIVE_CRASH_RECORDS ?? 6000);
const PARTITIONS = 4;
const DEVICES = 40;

async function committedCount(admin: Admin, groupId: string, topic: string): Promise<number> {
  return (await admin.committedOffsets(groupId, [topic])).reduce((sum, c) => sum + Number(c.offset), 0);
}

function assertRunning(worker: ChildWorker): void {
  if (worker.child.exitCode !== null)
    throw new Error(`the archive worker exited with ${worker.child.exitCode}: ${worker.output().slice(-3000)}`);
}

describe('archive worker under kill -9 (child process, real Kafka and registry)', () => {
  it(
    `kill -9 twice while ${RECORDS} records flow: every offset archived exactly once`,
    { timeout: 600_000 },
    async ({ onTestFinished }) => {
      const name = uniqueName('archivecrash');
      const topic = `${name}.env`;
      const dlq = `${name}.dlq`;
      const groupId = `${name}-archive`;
      const kafka = kafkaClientFromEnv(env, `${name}-test`);
      const admin = kafka.admin();
      await admin.connect();
      const archive = await tempArchive(name);
      const workers: ChildWorker[] = [];
      onTestFinished(async () => {
        for (const w of workers) await w.kill9();
        await admin.deleteTopics([topic, dlq]).catch(() => undefined);
        await admin.disconnect();
        await archive.drop();
      });
      await admin.createTopics([
        { topic, partitions: PARTITIONS },
        { topic: dlq, partitions: 1 },
      ]);
      const { encoder } = await registryAndEncoder(env, topic, schemaFile('environment'));
      const start = recentStart() - 2 * 3_600_000;
      const readings = Array.from({ length: RECORDS }, (_, i) => ({
        deviceId: `dev-${i % DEVICES}`,
        // Three hours, out of order: several hour files open per partition at any time.
        ts: start + ((i * 7919) % (3 * 3600)) * 1000 + (i % 1000),
        site: `site-${i % 3}`,
        temperature: Math.round((20 + Math.sin(i) * 5) * 1000) / 1000,
        humidity: i % 7 === 0 ? null : 40 + (i % 11),
        pressure: null,
      }));
      const workerEnv = {
        ...archiveEnv({ root: archive.root, topics: [topic], groupId, dlq, maxRecords: 150, interval: '3s' }),
      };

      const producer = kafka.producer();
      await producer.connect();
      const producing = (async () => {
        const chunk = Math.max(100, Math.floor(RECORDS / 40));
        for (let i = 0; i < readings.length; i += chunk) {
          await producer.send(
            readings
              .slice(i, i + chunk)
              .map((r) => ({ topic, key: r.deviceId, value: encoder.encodeSync(r), timestamp: r.ts })),
          );
          await new Promise((r) => setTimeout(r, 500)); // ~20 s of records: the kills land mid-stream
        }
      })();

      const killedAt: number[] = [];
      for (const [n, fraction] of [0.2, 0.5].entries()) {
        const worker = await spawnArchiveSink(workerEnv, `${name}-${n}`);
        workers.push(worker);
        await waitUntil(
          () => `the worker committed ${fraction * 100}% (${worker.output().slice(-3000)})`,
          async () => {
            assertRunning(worker);
            return (await committedCount(admin, groupId, topic)) >= fraction * RECORDS;
          },
          180_000,
        );
        await worker.kill9();
        killedAt.push(await committedCount(admin, groupId, topic));
      }
      await producing;
      await producer.disconnect();
      expect(killedAt[0]).toBeGreaterThan(0);
      expect(killedAt[1]).toBeLessThan(RECORDS);

      const last = await spawnArchiveSink(workerEnv, `${name}-2`);
      workers.push(last);
      await waitUntil(
        () => `every record committed (${last.output().slice(-3000)})`,
        () => {
          assertRunning(last);
          return allCommitted(admin, groupId, [topic], RECORDS);
        },
        180_000,
      );
      expect(await last.stop(), last.output().slice(-3000)).toBe(0);

      // Kafka's view: every (partition, offset) with its device and event time.
      const decoder = testDecoder(env.SCHEMA_REGISTRY_URL as string);
      const expected = new Map<string, string>();
      for (const r of await readTopic(kafka, topic)) {
        const v = await decoder.decode(r);
        expected.set(`${r.partition}/${r.offset}`, `${v.deviceId}@${v.ts}`);
      }
      expect(expected.size).toBe(RECORDS);

      const glob = topicGlob(archive.root, topic);
      const dupes = await duck(
        `SELECT kafka_partition, kafka_offset, count(*) AS n FROM read_parquet('${glob}') GROUP BY ALL HAVING count(*) > 1 LIMIT 5`,
      );
      expect(dupes).toEqual([]);
      const rows = await duck(
        `SELECT kafka_partition AS p, kafka_offset AS o, deviceId AS d, epoch_ms(ts) AS t FROM read_parquet('${glob}')`,
      );
      expect(rows).toHaveLength(RECORDS);
      const got = new Map(rows.map((r) => [`${r.p}/${r.o}`, `${r.d}@${r.t}`]));
      expect(got).toEqual(expected);
      // Each row sits in the folder of its event hour.
      const misplaced = await duck(
        `SELECT count(*) AS n FROM read_parquet('${glob}', hive_partitioning = true) WHERE strftime(ts, '%Y-%m-%d') <> CAST(date AS VARCHAR) OR hour(ts) <> CAST(hour AS INTEGER)`,
      );
      expect(misplaced).toEqual([{ n: '0' }]);
    },
  );
});
