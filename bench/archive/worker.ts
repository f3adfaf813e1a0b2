/**
 * One archive worker's throughput on the real stack, and reading the archive back:
 * 1. `--records` environment readings of the demo fleet's shape are produced to a fresh topic
 *    (4 partitions) first; then one worker (in this process, settings from the pipeline YAML)
 *    archives them: rows/s from its start to every offset committed, bytes per reading on disk.
 * 2. A day of the demo fleet (100 devices, one reading per 5 min: 28,800 readings) is archived the
 *    same way, and `iotp archive query`'s hourly means per site over it are timed (median of 5).
 *
 * Files close at `--max-records` rows (default 20,000) or after 2 s.
 *
 *   node_modules/.bin/tsx bench/archive/worker.ts [--records 50000] [--max-records 20000]
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { registryAndEncoder, schemaFile } from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import {
  archiveEnv,
  runArchiveSinkHere,
  tempArchive,
} from '../../connectors/parquet-sink/test-support/archive-fixture.js';
import { queryArchive } from '../../lib/archive/index.js';
import { allCommitted, kafkaClientFromEnv } from '../../test/helpers/kafka.js';
import { stackEnv, uniqueName } from '../../test/helpers/stack.js';
import { waitUntil } from '../../test/helpers/wait.js';
import { type BenchReading, fleetReadings } from './readings.js';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '50000' }, 'max-records': { type: 'string', default: '20000' } },
});
const env = { ...stackEnv(), LOG_LEVEL: 'warn' };

async function diskBytes(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.parquet')) continue;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
    files += 1;
  }
  return { bytes, files };
}

async function archiveRun(label: string, readings: BenchReading[]) {
  const name = uniqueName(`archivebench-${label}`);
  const topic = `${name}.environment`;
  const dlq = `${name}.dlq`;
  const groupId = `${name}-archive`;
  const kafka = kafkaClientFromEnv(env, `${name}-bench`);
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics([
    { topic, partitions: 4 },
    { topic: dlq, partitions: 1 },
  ]);
  const archive = await tempArchive(name);
  try {
    const { encoder } = await registryAndEncoder(env, topic, schemaFile('environment'));
    for (let i = 0; i < readings.length; i += 2000)
      await producer.send(
        readings
          .slice(i, i + 2000)
          .map((r) => ({ topic, key: r.deviceId, value: encoder.encodeSync(r), timestamp: r.ts })),
      );
    const started = performance.now();
    const worker = await runArchiveSinkHere({
      ...env,
      ...archiveEnv({
        root: archive.root,
        topics: [topic],
        groupId,
        dlq,
        interval: '2s',
        maxRecords: Number(values['max-records']),
      }),
    });
    await waitUntil('every record archived', () => allCommitted(admin, groupId, [topic], readings.length), 600_000);
    const seconds = (performance.now() - started) / 1000;
    await worker.shutdown('bench done');
    const disk = await diskBytes(archive.root);
    return {
      name,
      topic,
      archive,
      seconds,
      disk,
      cleanup: async () => {
        await admin.deleteTopics([topic, dlq]).catch(() => undefined);
        await Promise.all([admin.disconnect(), producer.disconnect()]);
        await archive.drop();
      },
    };
  } catch (error) {
    await archive.drop();
    throw error;
  }
}

const records = Number(values.records);
const start = Date.UTC(2026, 11, 1);
const throughput = await archiveRun(
  'tp',
  fleetReadings({
    devices: 100,
    perDevice: Math.ceil(records / 100),
    intervalMs: 10_000,
    startMs: Date.now() - 86_400_000,
  }).slice(0, records),
);
const worker = {
  records,
  seconds: Number(throughput.seconds.toFixed(1)),
  rowsPerSec: Math.round(records / throughput.seconds),
  files: throughput.disk.files,
  bytesPerReading: Number((throughput.disk.bytes / records).toFixed(2)),
};
await throughput.cleanup();

const day = fleetReadings({
  devices: 100,
  perDevice: 288,
  intervalMs: 300_000,
  startMs: Math.floor((Date.now() - 2 * 86_400_000) / 86_400_000) * 86_400_000,
});
const dayRun = await archiveRun('day', day);
const sql =
  'SELECT site, date, hour, avg(temperature) AS mean, count(*) AS n FROM environment GROUP BY ALL ORDER BY ALL';
const times: number[] = [];
let rows = 0;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const result = await queryArchive({ root: dayRun.archive.root, sql, topicPrefix: `${dayRun.name}.` });
  times.push(performance.now() - t0);
  rows = result.rows.length;
}
times.sort((a, b) => a - b);
const query = {
  readings: day.length,
  files: dayRun.disk.files,
  bytesPerReading: Number((dayRun.disk.bytes / day.length).toFixed(2)),
  sql,
  resultRows: rows,
  medianMs: Number((times[2] as number).toFixed(1)),
};
await dayRun.cleanup();
void start;
console.log(JSON.stringify({ bench: 'archive-worker', worker, query }, null, 2));
