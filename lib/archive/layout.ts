/**
 * Where the archive keeps a record: `<topic>/date=YYYY-MM-DD/hour=HH/` by event time (UTC), and the
 * file name `<topic>+<partition>+<startOffset>+<endOffset>.parquet` (Kafka Connect's S3 sink
 * naming: deterministic, so a rewrite after a crash lands on the same name). Pure.
 */

/** One hour of one topic: the folder a record's file goes to. */
export interface HourBucket {
  /** `date=YYYY-MM-DD/hour=HH`, relative to the topic's folder. */
  dir: string;
  /** Start of the hour (ms since the epoch, UTC). */
  startMs: number;
}

const HOUR_MS = 3_600_000;
const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * The hour folder of an event time (UTC), hive-style so DuckDB reads `date` and `hour` as columns.
 *
 * @example
 *   hourBucket(Date.UTC(2026, 11, 3, 8, 59)).dir // 'date=2026-12-03/hour=08'
 */
export function hourBucket(eventTimeMs: number): HourBucket {
  const startMs = Math.floor(eventTimeMs / HOUR_MS) * HOUR_MS;
  const d = new Date(startMs);
  const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  return { dir: `date=${date}/hour=${pad2(d.getUTCHours())}`, startMs };
}

/** A data file's coordinates, as its name says them. */
export interface ArchiveFileName {
  topic: string;
  partition: number;
  /** First and last Kafka offset of the rows in the file (inclusive), decimal strings. */
  startOffset: string;
  endOffset: string;
}

/**
 * `<topic>+<partition>+<startOffset>+<endOffset>.parquet`; offsets are not padded (as Connect's).
 *
 * @example
 *   archiveFileName({ topic: 'telemetry.power', partition: 2, startOffset: '100', endOffset: '199' })
 *   // 'telemetry.power+2+100+199.parquet'
 */
export function archiveFileName(f: ArchiveFileName): string {
  return `${f.topic}+${f.partition}+${f.startOffset}+${f.endOffset}.parquet`;
}

const NAME_RE = /^(?!\.)([A-Za-z0-9._-]{1,249})\+(\d+)\+(\d+)\+(\d+)\.parquet$/;

/** The coordinates in a data file's name; undefined for anything else (temporary files included). */
export function parseArchiveFileName(name: string): ArchiveFileName | undefined {
  const m = NAME_RE.exec(name);
  if (!m) return undefined;
  const [, topic, partition, startOffset, endOffset] = m as unknown as [string, string, string, string, string];
  if (BigInt(startOffset) > BigInt(endOffset)) return undefined;
  return { topic, partition: Number(partition), startOffset, endOffset };
}

/** Temporary files start with a dot, so no reader's `*.parquet` glob of a folder picks them up. */
export const TEMP_PREFIX = '.tmp-';

/** The path of one data file under the archive root, with `/` separators. */
export function archiveFilePath(bucketDir: string, f: ArchiveFileName): string {
  return `${f.topic}/${bucketDir}/${archiveFileName(f)}`;
}
