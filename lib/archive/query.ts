import { resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
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
}

export interface ArchiveQueryResult {
  columns: string[];
  /** Rows as JSON-safe values (BIGINT and timestamps as strings). */
  rows: Record<string, unknown>[];
  views: TopicView[];
  elapsedMs: number;
}

const quoteText = (text: string) => `'${text.replace(/'/g, "''")}'`;
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

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
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
