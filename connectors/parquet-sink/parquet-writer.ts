import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  timestampMillisValue,
  timestampValue,
} from '@duckdb/node-api';
import type { ArchiveColumn } from './columns.js';
import type { ArchiveRow } from './open-files.js';

export interface ParquetFileOptions {
  compression: 'zstd' | 'snappy' | 'gzip' | 'uncompressed';
  rowGroupSize: number;
  /** Written to the file's key-value metadata (schema id and version, writer schema, ...). */
  metadata: Record<string, string>;
}

/** Writes rows of one schema to one Parquet file. */
export interface ParquetWriter {
  write(
    path: string,
    columns: readonly ArchiveColumn[],
    rows: readonly ArchiveRow[],
    partition: number,
    options: ParquetFileOptions,
  ): Promise<void>;
  close(): void;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteText = (text: string) => `'${text.replace(/'/g, "''")}'`;

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    Buffer.isBuffer(v) ? v.toString('base64') : typeof v === 'bigint' ? v.toString() : v,
  );
}

function appendCell(appender: DuckDBAppender, column: ArchiveColumn, value: unknown): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (column.kind) {
    case 'timestamp-ms':
      appender.appendTimestampMilliseconds(timestampMillisValue(BigInt(value as number)));
      return;
    case 'timestamp-us':
      appender.appendTimestamp(timestampValue(BigInt(value as number)));
      return;
    case 'double':
      appender.appendDouble(value as number);
      return;
    case 'float':
      appender.appendFloat(value as number);
      return;
    case 'int':
      appender.appendInteger(value as number);
      return;
    case 'long':
      appender.appendBigInt(BigInt(value as number));
      return;
    case 'boolean':
      appender.appendBoolean(value as boolean);
      return;
    case 'string':
      appender.appendVarchar(String(value));
      return;
    case 'bytes':
      appender.appendBlob(value as Uint8Array);
      return;
    case 'json':
      appender.appendVarchar(toJson(value));
      return;
  }
}

/**
 * The Parquet writer the archive chose (docs/ARCHIVE.md: measured against hyparquet-writer): rows
 * go into an in-memory DuckDB table through its appender, then `COPY ... TO` the file with the
 * codec, row-group size and key-value metadata asked for. One DuckDB instance per worker; calls
 * must not overlap (the sink writes one file at a time).
 *
 * @example
 *   const writer = await createDuckdbParquetWriter();
 *   await writer.write('/tmp/x.parquet', columns, rows, 0, { compression: 'zstd', rowGroupSize: 100_000, metadata: {} });
 */
export async function createDuckdbParquetWriter(): Promise<ParquetWriter> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection: DuckDBConnection = await instance.connect();
  let seq = 0;
  return {
    async write(path, columns, rows, partition, options) {
      seq += 1;
      const table = `archive_file_${seq}`;
      const ddl = columns.map((c) => `${quoteIdent(c.name)} ${c.sqlType}`).join(', ');
      await connection.run(`CREATE TABLE ${table} (${ddl})`);
      try {
        const appender = await connection.createAppender(table);
        const valueColumns = columns.length - 2;
        for (const row of rows) {
          for (let i = 0; i < valueColumns; i++) {
            const column = columns[i] as ArchiveColumn;
            appendCell(appender, column, row.value[column.name]);
          }
          appender.appendInteger(partition);
          appender.appendBigInt(row.offset);
          appender.endRow();
        }
        appender.closeSync();
        const kv = Object.entries(options.metadata)
          .map(([k, v]) => `${quoteText(k)}: ${quoteText(v)}`)
          .join(', ');
        await connection.run(
          `COPY ${table} TO ${quoteText(path)} (FORMAT parquet, COMPRESSION ${options.compression}, ROW_GROUP_SIZE ${options.rowGroupSize}${kv ? `, KV_METADATA {${kv}}` : ''})`,
        );
      } finally {
        await connection.run(`DROP TABLE IF EXISTS ${table}`);
      }
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
