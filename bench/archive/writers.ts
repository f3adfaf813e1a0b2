/**
 * Parquet writers compared on the same readings: rows/s (from decoded values to a file on disk)
 * and bytes per reading. DuckDB (`@duckdb/node-api`: appender + COPY, the archive's writer) with
 * zstd and snappy, and hyparquet-writer (pure JavaScript; snappy, its built-in codec).
 *
 *   node_modules/.bin/tsx bench/archive/writers.ts [--rows 100000]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parquetWriteFile } from 'hyparquet-writer';
import { schemaFile } from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import { archiveColumns } from '../../connectors/parquet-sink/columns.js';
import type { ArchiveRow } from '../../connectors/parquet-sink/open-files.js';
import { createDuckdbParquetWriter } from '../../connectors/parquet-sink/parquet-writer.js';
import { fleetReadings } from './readings.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const ROWS = Number(values.rows);
const devices = 100;
const readings = fleetReadings({
  devices,
  perDevice: Math.ceil(ROWS / devices),
  intervalMs: 10_000,
  startMs: Date.UTC(2026, 11, 1),
}).slice(0, ROWS);
const rows: ArchiveRow[] = readings.map((r, i) => ({
  value: r as unknown as Record<string, unknown>,
  offset: BigInt(i),
}));
const columns = archiveColumns(JSON.parse(schemaFile('environment').text));
const dir = await mkdtemp(join(tmpdir(), 'archive-writers-'));

async function measure(label: string, write: (path: string) => Promise<void>) {
  const path = join(dir, `${label}.parquet`);
  await write(path); // warm-up
  const runs = 3;
  const started = performance.now();
  for (let i = 0; i < runs; i++) await write(path);
  const ms = (performance.now() - started) / runs;
  const bytes = (await stat(path)).size;
  return {
    writer: label,
    rows: ROWS,
    rowsPerSec: Math.round(ROWS / (ms / 1000)),
    bytesPerReading: Number((bytes / ROWS).toFixed(2)),
    fileBytes: bytes,
  };
}

const duck = await createDuckdbParquetWriter();
const results = [];
for (const compression of ['zstd', 'snappy'] as const)
  results.push(
    await measure(`duckdb-${compression}`, (path) =>
      duck.write(path, columns, rows, 0, { compression, rowGroupSize: 100_000, metadata: { 'iotp.schema.id': '1' } }),
    ),
  );
duck.close();
results.push(
  await measure('hyparquet-writer-snappy', async (path) => {
    parquetWriteFile({
      filename: path,
      columnData: [
        { name: 'deviceId', data: readings.map((r) => r.deviceId), type: 'STRING', nullable: false },
        { name: 'ts', data: readings.map((r) => new Date(r.ts)), type: 'TIMESTAMP', nullable: false },
        { name: 'site', data: readings.map((r) => r.site), type: 'STRING', nullable: false },
        { name: 'temperature', data: readings.map((r) => r.temperature), type: 'DOUBLE' },
        { name: 'humidity', data: readings.map((r) => r.humidity), type: 'DOUBLE' },
        { name: 'pressure', data: readings.map((r) => r.pressure), type: 'DOUBLE' },
        { name: 'kafka_partition', data: readings.map(() => 0), type: 'INT32', nullable: false },
        { name: 'kafka_offset', data: readings.map((_, i) => BigInt(i)), type: 'INT64', nullable: false },
      ],
      rowGroupSize: 100_000,
      kvMetadata: [{ key: 'iotp.schema.id', value: '1' }],
    });
  }),
);
await rm(dir, { recursive: true, force: true });
console.table(results);
console.log(JSON.stringify({ bench: 'archive-writers', results }));
