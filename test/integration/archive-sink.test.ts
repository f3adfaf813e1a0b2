/**
 * The archive worker (`iotp sink parquet`) on the real stack, in this process: a time rotation
 * closes the file of a partition that gets no more input; files of two schema versions read back
 * together by column name (DuckDB union_by_name) and `iotp archive query`; a bad record goes to the
 * dead-letter topic with the shared reason codes while the good ones around it are archived.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeReadings,
  recentStart,
  registryAndEncoder,
  schemaFile,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import {
  archiveEnv,
  duck,
  runArchiveSinkHere,
  tempArchive,
  topicGlob,
} from '../../connectors/parquet-sink/test-support/archive-fixture.js';
import { queryArchive } from '../../lib/archive/index.js';
import { DLQ_HEADERS } from '../../lib/dead-letter/headers.js';
import type { Admin, KafkaClient, Producer } from '../../lib/kafka/types.js';
import type { WorkerHandle } from '../../lib/runtime/worker.js';
import { parseAvroSchema } from '../../lib/serde/index.js';
import { allCommitted, kafkaClientFromEnv, readTopic } from '../helpers/kafka.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';
import { waitUntil } from '../helpers/wait.js';

const env = stackEnv();
const name = uniqueName('archive');
const idle = `${name}.idle`;
const evo = `${name}.evo`;
const bad = `${name}.bad`;
const dlq = `${name}.dlq`;
const groupId = `${name}-archive`;

let kafka: KafkaClient;
let admin: Admin;
let producer: Producer;
let archive: Awaited<ReturnType<typeof tempArchive>>;
let worker: WorkerHandle;

beforeAll(async () => {
  kafka = kafkaClientFromEnv(env, `${name}-test`);
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics([
    { topic: idle, partitions: 2 },
    { topic: evo, partitions: 1 },
    { topic: bad, partitions: 1 },
    { topic: dlq, partitions: 1 },
  ]);
  archive = await tempArchive(name);
  worker = await runArchiveSinkHere({
    ...env,
    ...archiveEnv({ root: archive.root, topics: [idle, evo, bad], groupId, dlq, interval: '2s' }),
  });
});

afterAll(async () => {
  await worker?.shutdown('test done');
  await admin?.deleteTopics([idle, evo, bad, dlq]).catch(() => undefined);
  await producer?.disconnect();
  await admin?.disconnect();
  await archive?.drop();
});

describe('archive worker (real Kafka and registry, Parquet read back with DuckDB)', () => {
  it('a time rotation closes the file of a partition with no new input', async () => {
    const { encoder } = await registryAndEncoder(env, idle, schemaFile('environment'));
    const readings = makeReadings(10, 5, recentStart());
    // Partition 0 only, then nothing more: only the age of the open file can close it.
    await producer.send(
      readings.map((r) => ({
        topic: idle,
        partition: 0,
        key: r.deviceId,
        value: encoder.encodeSync(r),
        timestamp: r.ts,
      })),
    );
    await waitUntil('the idle partition committed', () => allCommitted(admin, groupId, [idle], 10), 90_000);
    const rows = await duck(
      `SELECT kafka_partition AS p, count(*) AS n, min(kafka_offset) AS lo, max(kafka_offset) AS hi FROM read_parquet('${topicGlob(archive.root, idle)}') GROUP BY p`,
    );
    expect(rows).toEqual([{ p: 0, n: '10', lo: '0', hi: '9' }]);
    const files = await duck(
      `SELECT file_name FROM parquet_metadata('${topicGlob(archive.root, idle)}') GROUP BY file_name`,
    );
    expect(files).toHaveLength(1);
    expect(String(files[0]?.file_name)).toMatch(new RegExp(`/${idle.replace(/\./g, '\\.')}\\+0\\+0\\+9\\.parquet$`));
  });

  it('files of two schema versions read back together by column name', async () => {
    const v1 = schemaFile('environment');
    const v2Json = JSON.parse(v1.text) as { fields: unknown[] };
    v2Json.fields.push({ name: 'co2', type: ['null', 'double'], default: null, doc: 'CO2. unit: ppm' });
    const v2 = parseAvroSchema(JSON.stringify(v2Json));
    const first = await registryAndEncoder(env, evo, v1);
    const second = await registryAndEncoder<Record<string, unknown>>(env, evo, { ...v1, ...v2, source: v2.text });
    const start = recentStart();
    const old = makeReadings(20, 4, start);
    const next = makeReadings(20, 4, start + 5000).map((r, i) => ({ ...r, co2: 400 + i }));
    await producer.send(
      old.map((r) => ({ topic: evo, key: r.deviceId, value: first.encoder.encodeSync(r), timestamp: r.ts })),
    );
    await producer.send(
      next.map((r) => ({ topic: evo, key: r.deviceId, value: second.encoder.encodeSync(r), timestamp: r.ts })),
    );
    await waitUntil('the evolved topic committed', () => allCommitted(admin, groupId, [evo], 40), 90_000);

    const meta = await duck(
      `SELECT file_name, decode(value) AS id FROM parquet_kv_metadata('${topicGlob(archive.root, evo)}') WHERE decode(key) = 'iotp.schema.id' ORDER BY file_name`,
    );
    expect(new Set(meta.map((m) => m.id)).size).toBe(2);
    const result = await queryArchive({
      root: archive.root,
      topicPrefix: `${name}.`,
      sql: 'SELECT count(*) AS n, count(co2) AS with_co2, min(co2) AS lo, max(co2) AS hi FROM evo',
    });
    expect(result.rows).toEqual([{ n: '40', with_co2: '20', lo: 400, hi: 419 }]);
    const types = await duck(
      `SELECT name, logical_type FROM parquet_schema('${topicGlob(archive.root, evo)}') WHERE name = 'ts' LIMIT 1`,
    );
    expect(String(types[0]?.logical_type)).toContain('MILLIS');
  });

  it('a bad record is dead-lettered with the shared reason codes; the good ones around it are archived', async () => {
    const { encoder } = await registryAndEncoder(env, bad, schemaFile('environment'));
    const [a, b] = makeReadings(2, 2, recentStart());
    await producer.send([
      { topic: bad, key: a?.deviceId ?? null, value: encoder.encodeSync(a as never), timestamp: a?.ts },
      { topic: bad, key: 'x', value: Buffer.from('{"not":"avro"}'), timestamp: a?.ts },
      { topic: bad, key: b?.deviceId ?? null, value: encoder.encodeSync(b as never), timestamp: b?.ts },
    ]);
    await waitUntil('the bad topic committed', () => allCommitted(admin, groupId, [bad], 3), 90_000);
    const dead = (await readTopic(kafka, dlq)).filter((r) => r.headers[DLQ_HEADERS.sourceTopic] === bad);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.headers).toMatchObject({
      [DLQ_HEADERS.stage]: 'archive-sink',
      [DLQ_HEADERS.reason]: 'DESERIALIZATION_FAILED',
      [DLQ_HEADERS.code]: 'SERDE_MAGIC_BYTE',
      [DLQ_HEADERS.sourceOffset]: '1',
    });
    expect(dead[0]?.value?.toString()).toBe('{"not":"avro"}');
    const rows = await duck(`SELECT kafka_offset AS o FROM read_parquet('${topicGlob(archive.root, bad)}') ORDER BY o`);
    expect(rows.map((r) => r.o)).toEqual(['0', '2']);
  });
});
