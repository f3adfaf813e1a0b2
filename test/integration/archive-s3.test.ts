/**
 * The archive in an S3 bucket (archive.storage.kind s3) on the stack's real S3-compatible server
 * (Versity S3 Gateway, scripts/stack/up.sh): `iotp sink parquet` as a child process is killed with
 * kill -9 while records flow, then restarted. Every (partition, offset) of the topic must be in the
 * bucket exactly once, with its device and event time, read back the way `iotp archive query` reads
 * an S3 archive (the objects copied to a local folder, then DuckDB), and by the CLI itself.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  recentStart,
  registryAndEncoder,
  schemaFile,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import {
  archiveEnv,
  type ChildWorker,
  spawnArchiveSink,
  tempArchive,
} from '../../connectors/parquet-sink/test-support/archive-fixture.js';
import { queryArchive, viewName } from '../../lib/archive/index.js';
import type { ArchiveS3Settings } from '../../lib/archive/s3-client.js';
import type { Admin } from '../../lib/kafka/types.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { allCommitted, kafkaClientFromEnv, readTopic, testDecoder } from '../helpers/kafka.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';
import { waitUntil } from '../helpers/wait.js';

const env = stackEnv();
const RECORDS = 3000;
const PARTITIONS = 3;
const DEVICES = 30;
const PREFIX = 'it/archive';

function s3Settings(bucket: string): ArchiveS3Settings {
  for (const key of ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'])
    if (!env[key]) throw new Error(`${key} is not set: the stack's S3 server is not up ('make stack-up')`);
  return {
    endpoint: env.S3_ENDPOINT,
    bucket,
    prefix: PREFIX,
    region: env.S3_REGION ?? 'us-east-1',
    forcePathStyle: true,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  };
}

function s3Client(s3: ArchiveS3Settings): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId ?? '', secretAccessKey: s3.secretAccessKey ?? '' },
  });
}

async function listKeys(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket }))
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
  return keys;
}

async function dropBucket(client: S3Client, bucket: string): Promise<void> {
  const keys = await listKeys(client, bucket);
  for (let i = 0; i < keys.length; i += 1000)
    await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) },
      }),
    );
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/** The worker's settings for an S3 archive, through the YAML's env overrides. */
function s3Env(s3: ArchiveS3Settings): Record<string, string> {
  return {
    IOTP_ARCHIVE__STORAGE__KIND: 's3',
    IOTP_ARCHIVE__STORAGE__S3__ENDPOINT: s3.endpoint ?? '',
    IOTP_ARCHIVE__STORAGE__S3__BUCKET: s3.bucket ?? '',
    IOTP_ARCHIVE__STORAGE__S3__PREFIX: s3.prefix,
    IOTP_ARCHIVE__STORAGE__S3__REGION: s3.region,
    IOTP_ARCHIVE__STORAGE__S3__ACCESS_KEY_ID: s3.accessKeyId ?? '',
    IOTP_ARCHIVE__STORAGE__S3__SECRET_ACCESS_KEY: s3.secretAccessKey ?? '',
  };
}

async function committedCount(admin: Admin, groupId: string, topic: string): Promise<number> {
  return (await admin.committedOffsets(groupId, [topic])).reduce((sum, c) => sum + Number(c.offset), 0);
}

function assertRunning(worker: ChildWorker): void {
  if (worker.child.exitCode !== null)
    throw new Error(`the archive worker exited with ${worker.child.exitCode}: ${worker.output().slice(-3000)}`);
}

describe('archive in an S3 bucket (real S3-compatible server, Kafka and registry)', () => {
  it(
    `kill -9 while ${RECORDS} records flow: every offset is one object row, read back as iotp archive query does`,
    { timeout: 600_000 },
    async ({ onTestFinished }) => {
      const name = uniqueName('archives3');
      const topic = `${name}.env`;
      const dlq = `${name}.dlq`;
      const groupId = `${name}-archive`;
      const s3 = s3Settings(name);
      const client = s3Client(s3);
      await client.send(new CreateBucketCommand({ Bucket: name }));
      const kafka = kafkaClientFromEnv(env, `${name}-test`);
      const admin = kafka.admin();
      await admin.connect();
      const work = await tempArchive(`${name}-work`); // the sink's local folder (temp files only)
      const copy = await tempArchive(`${name}-copy`); // the query's copy of the bucket
      const cliCopy = await tempArchive(`${name}-cli`);
      const workers: ChildWorker[] = [];
      onTestFinished(async () => {
        for (const w of workers) await w.kill9();
        await admin.deleteTopics([topic, dlq]).catch(() => undefined);
        await admin.disconnect();
        await dropBucket(client, name).catch(() => undefined);
        client.destroy();
        for (const dir of [work, copy, cliCopy]) await dir.drop();
      });
      await admin.createTopics([
        { topic, partitions: PARTITIONS },
        { topic: dlq, partitions: 1 },
      ]);
      const { encoder } = await registryAndEncoder(env, topic, schemaFile('environment'));
      const start = recentStart() - 2 * 3_600_000;
      const readings = Array.from({ length: RECORDS }, (_, i) => ({
        deviceId: `dev-${i % DEVICES}`,
        // Three hours, out of order: several hour files open per partition at the kill.
        ts: start + ((i * 7919) % (3 * 3600)) * 1000 + (i % 1000),
        site: `site-${i % 3}`,
        temperature: Math.round((20 + Math.sin(i) * 5) * 1000) / 1000,
        humidity: i % 7 === 0 ? null : 40 + (i % 11),
        pressure: null,
      }));
      const workerEnv = {
        ...archiveEnv({ root: work.root, topics: [topic], groupId, dlq, maxRecords: 100, interval: '3s' }),
        ...s3Env(s3),
      };

      const producer = kafka.producer();
      await producer.connect();
      const producing = (async () => {
        const chunk = RECORDS / 30;
        for (let i = 0; i < readings.length; i += chunk) {
          await producer.send(
            readings
              .slice(i, i + chunk)
              .map((r) => ({ topic, key: r.deviceId, value: encoder.encodeSync(r), timestamp: r.ts })),
          );
          await new Promise((r) => setTimeout(r, 400)); // ~12 s of records: the kill lands mid-stream
        }
      })();

      const first = await spawnArchiveSink(workerEnv, `${name}-0`);
      workers.push(first);
      await waitUntil(
        () => `the worker committed 30% (${first.output().slice(-3000)})`,
        async () => {
          assertRunning(first);
          return (await committedCount(admin, groupId, topic)) >= 0.3 * RECORDS;
        },
        180_000,
      );
      await first.kill9();
      const killedAt = await committedCount(admin, groupId, topic);
      await producing;
      await producer.disconnect();
      expect(killedAt).toBeLessThan(RECORDS);

      const last = await spawnArchiveSink(workerEnv, `${name}-1`);
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

      // Every object is under the prefix in the layout; nothing was published to the local folder.
      const keys = await listKeys(client, name);
      expect(keys.length).toBeGreaterThan(RECORDS / 100);
      for (const key of keys)
        expect(key).toMatch(
          new RegExp(
            `^${PREFIX}/${topic.replace(/\./g, '\\.')}/date=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/[^/]+\\.parquet$`,
          ),
        );
      expect((await readdir(work.root)).filter((e) => e !== '_tmp')).toEqual([]);

      // Kafka's view: every (partition, offset) with its device and event time.
      const decoder = testDecoder(env.SCHEMA_REGISTRY_URL as string);
      const expected = new Map<string, string>();
      for (const r of await readTopic(kafka, topic)) {
        const v = await decoder.decode(r);
        expected.set(`${r.partition}/${r.offset}`, `${v.deviceId}@${v.ts}`);
      }
      expect(expected.size).toBe(RECORDS);

      // Read back as `iotp archive query` reads an S3 archive: copied to a local folder, then DuckDB.
      const view = viewName(topic, 'telemetry.');
      const dupes = await queryArchive({
        root: copy.root,
        s3,
        sql: `SELECT kafka_partition, kafka_offset, count(*) AS n FROM ${view} GROUP BY ALL HAVING count(*) > 1 LIMIT 5`,
      });
      expect(dupes.synced).toEqual({ listed: keys.length, downloaded: keys.length, bytes: expect.any(Number) });
      expect(dupes.rows).toEqual([]);
      const all = await queryArchive({
        root: copy.root,
        s3,
        sql: `SELECT kafka_partition AS p, kafka_offset AS o, deviceId AS d, epoch_ms(ts) AS t,
                strftime(ts, '%Y-%m-%d') = CAST(date AS VARCHAR) AND hour(ts) = hour AS in_its_hour FROM ${view}`,
      });
      expect(all.synced?.downloaded).toBe(0); // the copy is kept: nothing fetched twice
      expect(all.rows).toHaveLength(RECORDS);
      expect(all.rows.filter((r) => r.in_its_hour !== true)).toEqual([]);
      expect(new Map(all.rows.map((r) => [`${r.p}/${r.o}`, `${r.d}@${r.t}`]))).toEqual(expected);

      // The CLI with the same settings, a --since that keeps only the last of the three hours.
      const sinceMs = Math.floor(start / 3_600_000) * 3_600_000 + 2 * 3_600_000;
      const inLastHours = readings.filter((r) => r.ts >= sinceMs).length;
      const { stdout, stderr } = await promisify(execFile)(
        `${repoRoot}/bin/iotp`,
        [
          'archive',
          'query',
          '--format',
          'json',
          '--root',
          cliCopy.root,
          '--since',
          new Date(sinceMs).toISOString(),
          `SELECT count(*) AS n FROM ${view}`,
        ],
        { cwd: repoRoot, env: { ...process.env, ...workerEnv, LOG_LEVEL: 'warn' }, timeout: 120_000 },
      );
      expect(JSON.parse(stdout), stderr).toEqual([{ n: String(inLastHours) }]);
    },
  );
});
