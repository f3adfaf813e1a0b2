import { z } from 'zod';
import { duration, secret, topicName } from '../zod-helpers.js';

// S3's rules for bucket names: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit.
const BUCKET_RE = /^(?:[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$/;
// A key prefix: path segments without empty, `.` or `..` parts, no leading or trailing `/`.
const PREFIX_RE = /^(?:[A-Za-z0-9!_.*'()=+-]+(?:\/[A-Za-z0-9!_.*'()=+-]+)*)?$/;

/**
 * `archive.storage`: where published files go. `local` is the `root` folder; `s3` is a bucket of an
 * S3-compatible object store (docs/ARCHIVE.md "Storage").
 *
 * @example
 *   storage: { kind: s3, s3: { endpoint: '${S3_ENDPOINT}', bucket: iotp-archive, accessKeyId: '${S3_ACCESS_KEY_ID}', secretAccessKey: '${S3_SECRET_ACCESS_KEY}' } }
 */
const storageSection = z
  .object({
    kind: z
      .enum(['local', 's3'])
      .default('local')
      .describe(
        'local: files go to the root folder. s3: files go to storage.s3.bucket; root then holds only temp files and the copy `iotp archive query` reads.',
      ),
    s3: z
      .object({
        endpoint: z
          .union(
            [
              z.literal(''),
              z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of an S3-compatible server' }),
            ],
            {
              error: 'expected the http(s) URL of an S3-compatible server',
            },
          )
          .optional()
          .describe(
            'S3 API URL of an S3-compatible server (e.g. http://127.0.0.1:19000); default: AWS S3 of the region.',
          ),
        bucket: z
          .string()
          .regex(BUCKET_RE, { error: 'expected an S3 bucket name: 3-63 of a-z 0-9 . -' })
          .optional()
          .describe('Bucket of the archive (must exist; the worker does not create it). Needed when kind is s3.'),
        prefix: z
          .string()
          .regex(PREFIX_RE, {
            error: "expected a key prefix like 'archive' or 'iot/archive' (no leading or trailing /)",
          })
          .refine((p) => !p.split('/').some((part) => part === '.' || part === '..'), {
            error: 'a key prefix cannot have . or .. parts',
          })
          .default('')
          .describe('Key prefix of every object: <prefix>/<topic>/date=.../hour=.../<file>.parquet (empty: none).'),
        region: z.string().min(1).default('us-east-1').describe('Region the requests are signed for.'),
        forcePathStyle: z
          .boolean()
          .default(true)
          .describe('Path-style URLs (<endpoint>/<bucket>/<key>), as most S3-compatible servers need.'),
        accessKeyId: z
          .string()
          .optional()
          // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
          .describe("Access key id (write ${ENV_VAR}); empty: the SDK's default chain (AWS_* variables, roles)."),
        secretAccessKey: secret()
          .optional()
          // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
          .describe("Secret access key. Secret: write ${ENV_VAR}; empty: the SDK's default chain."),
      })
      .strict()
      .prefault({})
      .describe('The object store, when kind is s3.'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === 's3' && !s.s3.bucket)
      ctx.addIssue({
        code: 'custom',
        path: ['s3', 'bucket'],
        message: 'expected a bucket name when archive.storage.kind is s3',
        input: s,
      });
    if (Boolean(s.s3.accessKeyId) !== Boolean(s.s3.secretAccessKey))
      ctx.addIssue({
        code: 'custom',
        path: ['s3', s.s3.accessKeyId ? 'secretAccessKey' : 'accessKeyId'],
        message: "expected accessKeyId and secretAccessKey together (or neither: the SDK's default chain)",
        input: s,
      });
  })
  .prefault({})
  .describe('Where published files go.');

export type ArchiveStorage = z.output<typeof storageSection>;

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
        "Folder of the archive (a local or mounted directory); relative paths resolve from the current directory. With storage.kind s3: the local working folder (temp files, the query's copy).",
      ),
    storage: storageSection,
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
