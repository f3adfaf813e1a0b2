import { z } from 'zod';
import { duration, topicName } from '../zod-helpers.js';

/**
 * `archive:` the cold path: `iotp sink parquet` writes the raw readings (and optionally the window
 * results and anomalies) to Parquet files by topic and event-time hour, exactly once; `iotp archive
 * query` reads them with DuckDB. See docs/ARCHIVE.md.
 *
 * @example
 *   archive: { root: /data/archive, compression: zstd, rotation: { maxRecords: 100000, interval: 10m } }
 */
export const archiveSection = z
  .object({
    root: z
      .string()
      .min(1)
      .default('archive')
      .describe(
        'Folder of the archive (a local or mounted directory); relative paths resolve from the current directory.',
      ),
    groupId: z.string().min(1).default('iotp-archive-sink').describe('Consumer group of the archive workers.'),
    topics: z
      .array(topicName())
      .optional()
      .describe('Topics to archive; default: every raw reading topic (plus the two switches below).'),
    includeAggregates: z
      .boolean()
      .default(false)
      .describe('Also archive the window result topics (telemetry.<type>.agg.<window>).'),
    includeAnomalies: z.boolean().default(false).describe('Also archive the anomaly topic.'),
    compression: z
      .enum(['zstd', 'snappy', 'gzip', 'uncompressed'])
      .default('zstd')
      .describe('Parquet compression codec of every column.'),
    rowGroupSize: z
      .number()
      .int()
      .min(1000)
      .max(10_000_000)
      .default(100_000)
      .describe('Rows per Parquet row group (at least 1000).'),
    rotation: z
      .object({
        maxRecords: z
          .number()
          .int()
          .min(1)
          .default(100_000)
          .describe('A file is closed when it holds this many records.'),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .default(64 * 1024 * 1024)
          .describe('A file is closed when the Avro bytes of its records reach this (the Parquet file is smaller).'),
        interval: duration()
          .prefault('10m')
          .describe(
            'A file open this long is closed even with no new record for it, so an idle device hour gets written (at least 1s).',
          ),
      })
      .strict()
      .prefault({})
      .describe('When a file is closed, written and its offsets committed: whichever limit comes first.'),
    maxBufferedRecords: z
      .number()
      .int()
      .min(1)
      .default(500_000)
      .describe('Records held in open files at most; past it the largest open file is closed early.'),
    sessionTimeout: duration()
      .prefault('30s')
      .describe('Consumer group session timeout: how long a crashed replica keeps its partitions (at least 6s).'),
    lagInterval: duration().prefault('5s').describe('How often the worker reads its consumer lag from the broker.'),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.rotation.interval < 1000)
      ctx.addIssue({ code: 'custom', path: ['rotation', 'interval'], message: 'expected at least 1s', input: a });
    if (a.sessionTimeout < 6000)
      ctx.addIssue({
        code: 'custom',
        path: ['sessionTimeout'],
        message: 'expected at least 6s (the broker refuses shorter sessions)',
        input: a,
      });
    if (a.lagInterval < 100)
      ctx.addIssue({ code: 'custom', path: ['lagInterval'], message: 'expected at least 100ms', input: a });
  })
  .prefault({})
  .describe('Archive (cold path): Parquet files by topic and event-time hour.');

export type ArchiveSection = z.output<typeof archiveSection>;
