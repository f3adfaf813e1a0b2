/**
 * Where the archive's files sit in an S3 bucket: the local layout's relative path under a key
 * prefix, `<prefix>/<topic>/date=YYYY-MM-DD/hour=HH/<topic>+<partition>+<first>+<last>.parquet`
 * (layout.ts). Pure.
 */

/**
 * The object key of a file whose path under the archive root is `relPath`.
 *
 * @example
 *   objectKey('iot/archive', 'telemetry.power/date=2026-12-03/hour=08/telemetry.power+2+100+199.parquet')
 *   // 'iot/archive/telemetry.power/date=2026-12-03/hour=08/telemetry.power+2+100+199.parquet'
 */
export function objectKey(prefix: string, relPath: string): string {
  return prefix ? `${prefix}/${relPath}` : relPath;
}

/** The key prefix of every hour folder of a topic (`<prefix>/<topic>/date=`): what a listing of it asks for. */
export function topicKeyPrefix(prefix: string, topic: string): string {
  return objectKey(prefix, `${topic}/date=`);
}

/** The key prefix of one day of a topic (`<prefix>/<topic>/date=YYYY-MM-DD/`). */
export function dayKeyPrefix(prefix: string, topic: string, date: string): string {
  return objectKey(prefix, `${topic}/date=${date}/`);
}

/** A data file's place in the layout, read back from its key. */
export interface ArchiveKeyParts {
  topic: string;
  /** `date=YYYY-MM-DD/hour=HH`. */
  bucketDir: string;
  /** The file name (`<topic>+<partition>+<first>+<last>.parquet`). */
  name: string;
  /** The path under the archive root (the key without the prefix). */
  relPath: string;
}

const REL_RE = /^([^/]+)\/(date=\d{4}-\d{2}-\d{2}\/hour=\d{2})\/([^/]+)$/;

/**
 * The topic, hour folder and file name of a key under `prefix`; undefined for a key outside the
 * prefix or not shaped like the layout.
 *
 * @example
 *   keyParts('a', 'a/t/date=2026-12-03/hour=08/t+0+1+2.parquet')
 *   // { topic: 't', bucketDir: 'date=2026-12-03/hour=08', name: 't+0+1+2.parquet', relPath: 't/date=...' }
 */
export function keyParts(prefix: string, key: string): ArchiveKeyParts | undefined {
  const head = prefix ? `${prefix}/` : '';
  if (!key.startsWith(head)) return undefined;
  const relPath = key.slice(head.length);
  const m = REL_RE.exec(relPath);
  if (!m) return undefined;
  const [, topic, bucketDir, name] = m as unknown as [string, string, string, string];
  return { topic, bucketDir, name, relPath };
}

const HOUR_MS = 3_600_000;
const BUCKET_DIR_RE = /^date=(\d{4})-(\d{2})-(\d{2})\/hour=(\d{2})$/;

/**
 * Whether an hour folder can hold event times in [sinceMs, untilMs) (either bound may be absent):
 * what `iotp archive query --since/--until` needs to fetch of an S3 archive.
 *
 * @example
 *   hourMayHold('date=2026-12-03/hour=08', Date.UTC(2026, 11, 3, 8, 30), undefined) // true
 */
export function hourMayHold(bucketDir: string, sinceMs: number | undefined, untilMs: number | undefined): boolean {
  const m = BUCKET_DIR_RE.exec(bucketDir);
  if (!m) return false;
  const startMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]));
  return (sinceMs === undefined || startMs + HOUR_MS > sinceMs) && (untilMs === undefined || startMs < untilMs);
}
