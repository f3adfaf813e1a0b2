/**
 * Bytes per reading in InfluxDB, for the archive's comparison: a day of the demo fleet (the same
 * 28,800 readings as worker.ts's query day) written to a database of its own on the stack's
 * InfluxDB 1.8 (tags deviceId and site, three float fields, ms timestamps, as the sink writes them),
 * then the database's folder measured once the cache is snapshotted to TSM (InfluxDB does that
 * after `cache-snapshot-write-cold-duration`, 10 min by default: the script waits up to 15 min).
 * Needs read access to the stack's data folder (.stack/data/influxdb/data). The database is dropped after.
 *
 *   node_modules/.bin/tsx bench/archive/influx-bytes.ts
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { influxQl } from '../../lib/influx/influxql-client.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { stackEnv } from '../../test/helpers/stack.js';
import { fleetReadings } from './readings.js';

const env = stackEnv();
const database = `iotp_archive_bytes_${Date.now().toString(36)}`;
const dataDir = join(repoRoot, '.stack', 'data', 'influxdb', 'data', database);
const auth = `Basic ${Buffer.from(`${env.INFLUX_USERNAME}:${env.INFLUX_PASSWORD}`).toString('base64')}`;
const server = influxQl({
  url: env.INFLUX_URL as string,
  database: 'telemetry',
  username: env.INFLUX_USERNAME,
  password: env.INFLUX_PASSWORD,
});

async function sizeOf(dir: string, suffix: string): Promise<number> {
  let bytes = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []))
    if (e.isFile() && e.name.endsWith(suffix)) bytes += (await stat(join(e.parentPath, e.name))).size;
  return bytes;
}

const day = fleetReadings({
  devices: 100,
  perDevice: 288,
  intervalMs: 300_000,
  startMs: Math.floor((Date.now() - 2 * 86_400_000) / 86_400_000) * 86_400_000,
});
await server.query(`CREATE DATABASE "${database}"`);
try {
  const line = (r: (typeof day)[number]) => {
    const fields = (['temperature', 'humidity', 'pressure'] as const)
      .filter((f) => r[f] !== null)
      .map((f) => `${f}=${r[f]}`);
    return `environment,deviceId=${r.deviceId},site=${r.site} ${fields.join(',')} ${r.ts}`;
  };
  for (let i = 0; i < day.length; i += 5000) {
    const res = await fetch(`${env.INFLUX_URL}/write?db=${database}&precision=ms`, {
      method: 'POST',
      headers: { Authorization: auth },
      body: day
        .slice(i, i + 5000)
        .map(line)
        .join('\n'),
    });
    if (res.status !== 204) throw new Error(`write answered ${res.status}: ${await res.text()}`);
  }
  const deadline = Date.now() + 15 * 60_000;
  let tsm = await sizeOf(dataDir, '.tsm');
  while (tsm === 0 && Date.now() < deadline) {
    await sleep(10_000);
    tsm = await sizeOf(dataDir, '.tsm');
  }
  const index = (await sizeOf(dataDir, '')) - tsm;
  console.log(
    JSON.stringify({
      bench: 'archive-influx-bytes',
      readings: day.length,
      tsmBytes: tsm,
      tsmBytesPerReading: Number((tsm / day.length).toFixed(2)),
      otherDataBytes: index,
      snapshotted: tsm > 0,
    }),
  );
} finally {
  await server.query(`DROP DATABASE "${database}"`);
}
