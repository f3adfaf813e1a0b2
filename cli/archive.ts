import type { Command } from 'commander';
import { formatResult, type OutputFormat, parseTimeBound, queryArchive } from '../lib/archive/index.js';
import { loadPipelineConfig } from '../lib/config/index.js';
import { ConfigError } from '../lib/errors.js';
import { loadStackEnv } from '../lib/runtime/stack-env.js';

const FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json'];

/**
 * `iotp archive query "<SQL>"`: DuckDB over the archive the parquet sink writes (docs/ARCHIVE.md):
 * one view per topic (`environment`, `power`, `anomalies`, `environment_agg_1m`, ...), hive columns
 * `date` and `hour`, `--since/--until` on event time, table, CSV or JSON out.
 */
export function registerArchiveCommands(program: Command): void {
  const archive = program.command('archive').description('the cold path: Parquet files of every reading');
  archive
    .command('query')
    .description('run SQL over the archive with DuckDB (a view per topic: environment, power, anomalies, ...)')
    .argument('<sql>', 'the query, e.g. "SELECT site, avg(temperature) FROM environment GROUP BY site"')
    .option('--config <file>', 'pipeline YAML (archive.root); default $IOTP_CONFIG, else config/pipeline.yaml')
    .option('--root <dir>', 'archive folder, or with S3 storage the local copy (default: archive.root of the YAML)')
    .option(
      '--since <time>',
      'only rows at or after this event time: ISO (2026-12-01, 2026-12-01T08:00) or ago (7d, 24h)',
    )
    .option('--until <time>', 'only rows before this event time (same forms)')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(
      async (
        sql: string,
        flags: { config?: string; root?: string; since?: string; until?: string; format: string },
      ) => {
        if (!FORMATS.includes(flags.format as OutputFormat))
          throw new ConfigError('--format', `expected one of ${FORMATS.join(', ')}, got '${flags.format}'`);
        const config = loadPipelineConfig({ env: loadStackEnv(), ...(flags.config ? { file: flags.config } : {}) });
        const now = Date.now();
        const storage = config.archive.storage;
        const result = await queryArchive({
          root: flags.root ?? config.archive.root,
          // An S3 archive is first copied (the time range's files) into the root folder.
          s3: storage.kind === 's3' ? storage.s3 : undefined,
          sql,
          sinceMs: flags.since === undefined ? undefined : parseTimeBound('--since', flags.since, now),
          untilMs: flags.until === undefined ? undefined : parseTimeBound('--until', flags.until, now),
        });
        process.stdout.write(formatResult(result.columns, result.rows, flags.format as OutputFormat));
        if (flags.format === 'table' && result.synced)
          process.stderr.write(
            `s3: ${result.synced.listed} files in range, ${result.synced.downloaded} copied (${result.synced.bytes} bytes)\n`,
          );
        if (flags.format === 'table')
          process.stderr.write(
            `views: ${result.views.map((v) => v.view).join(', ') || '(archive is empty)'}; ${result.elapsedMs.toFixed(1)} ms\n`,
          );
      },
    );
}
