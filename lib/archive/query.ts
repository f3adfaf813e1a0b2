import { resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ConfigError } from '../errors.js';
import { type ArchiveS3Settings, archiveS3Client } from './s3-client.js';
import { type S3SyncResult, syncS3Archive } from './s3-sync.js';
import { timeRangeFilter } from './time-range.js';
import { archiveTopics, type TopicView } from './views.js';

export interface ArchiveQueryOptions {
  /** Archive folder (the `archive.root` of the pipeline YAML). */
  root: string;
  sql: string;
  sinceMs?: number | undefined;
  untilMs?: number | undefined;
  /** Stripped from topic names to make view names (default `telemetry.`). */
  topicPrefix?: string;
  /**
   * An archive in S3 (`archive.storage.s3` when `storage.kind` is s3): its files of the time range
   * are first copied into `root`, which DuckDB then reads (see s3-sync.ts).
   */
  s3?: ArchiveS3Settings | undefined;
}

export interface ArchiveQueryResult {
  columns: string[];
  /** Rows as JSON-safe values (BIGINT and timestamps as strings). */
  rows: Record<string, unknown>[];
  views: TopicView[];
  elapsedMs: number;
  /** What was copied from S3 first (with `s3`). */
  synced?: S3SyncResult;
}

const quoteText = (text: string) => `'${text.replace(/'/g, "''")}'`;
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function syncFromS3(s3: ArchiveS3Settings, root: string, range: ArchiveQueryOptions): Promise<S3SyncResult> {
  if (!s3.bucket)
    throw new ConfigError('archive.storage.s3.bucket', 'expected a bucket name when archive.storage.kind is s3');
  const client = archiveS3Client(s3);
  try {
    return await syncS3Archive({
      client,
      bucket: s3.bucket,
      prefix: s3.prefix,
      root,
      sinceMs: range.sinceMs,
      untilMs: range.untilMs,
    });
  } finally {
    client.destroy();
  }
}

/**
 * Runs SQL over the archive with DuckDB: one view per topic (`environment`, `power`, `anomalies`,
 * `environment_agg_1m`, ...) over its Parquet files with hive partitioning (`date`, `hour` columns,
 * folder pruning) and `union_by_name` (files of older and newer schemas read together; a column a
 * file lacks is NULL). `sinceMs`/`untilMs` narrow every view by event time.
 *
 * @example
 *   const { rows } = await queryArchive({ root: 'archive', sql: 'SELECT count(*) AS n FROM environment', sinceMs: Date.now() - 86_400_000 });
 */
export async function queryArchive(options: ArchiveQueryOptions): Promise<ArchiveQueryResult> {
  const root = resolve(options.root);
  const synced = options.s3 ? await syncFromS3(options.s3, root, options) : undefined;
  const views = await archiveTopics(root, options.topicPrefix ?? 'telemetry.');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const v of views) {
      const source = `read_parquet(${quoteText(v.glob)}, hive_partitioning = true, union_by_name = true, hive_types = {'date': DATE, 'hour': INTEGER})`;
      let where = '';
      if (options.sinceMs !== undefined || options.untilMs !== undefined) {
        const meta = await connection.runAndReadAll(
          `SELECT decode(value) AS v FROM parquet_kv_metadata(${quoteText(v.glob)}) WHERE decode(key) = 'iotp.event_time.column' LIMIT 1`,
        );
        const timeColumn = (meta.getRowObjectsJson()[0]?.v as string | undefined) || undefined;
        where = ` WHERE ${timeRangeFilter({ sinceMs: options.sinceMs, untilMs: options.untilMs }, timeColumn)}`;
      }
      await connection.run(`CREATE VIEW ${quoteIdent(v.view)} AS SELECT * FROM ${source}${where}`);
    }
    const started = performance.now();
    const reader = await connection.runAndReadAll(options.sql);
    const elapsedMs = performance.now() - started;
    return {
      columns: reader.columnNames(),
      rows: reader.getRowObjectsJson() as Record<string, unknown>[],
      views,
      elapsedMs,
      ...(synced ? { synced } : {}),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
