import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../errors.js';
import { hourBucket } from './layout.js';

/** A `--since` / `--until` value: an ISO date or time (UTC unless it says otherwise), or a duration ago (`7d`, `24h`). */
export function parseTimeBound(flag: string, text: string, nowMs: number): number {
  const ago = /^\d/.test(text) && !/^\d{4}-/.test(text) ? parseDuration(text) : undefined;
  if (ago !== undefined) return nowMs - ago;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text)
      ? text
      : `${text}Z`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms))
    throw new ConfigError(
      flag,
      `expected an ISO date or time (2026-12-01, 2026-12-01T08:00) or a duration ago (7d, 24h), got '${text}'`,
    );
  return ms;
}

const sqlTimestamp = (ms: number) => `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
const sqlDate = (ms: number) => `DATE '${new Date(ms).toISOString().slice(0, 10)}'`;
const hourOf = (ms: number) => new Date(hourBucket(ms).startMs).getUTCHours();

/**
 * The WHERE clause of a topic's view for `--since/--until`: on the hive columns `date` and `hour`
 * (DuckDB prunes whole folders with them) and on the event-time column when the files name one.
 * Since is inclusive, until exclusive. Pure.
 *
 * @example
 *   timeRangeFilter({ sinceMs: Date.UTC(2026, 11, 1, 8) }, 'ts')
 *   // "(date > DATE '2026-12-01' OR (date = DATE '2026-12-01' AND hour >= 8)) AND \"ts\" >= TIMESTAMP '2026-12-01 08:00:00.000'"
 */
export function timeRangeFilter(range: { sinceMs?: number; untilMs?: number }, timeColumn: string | undefined): string {
  const parts: string[] = [];
  const col = timeColumn ? `"${timeColumn.replace(/"/g, '""')}"` : undefined;
  if (range.sinceMs !== undefined) {
    const d = sqlDate(range.sinceMs);
    parts.push(`(date > ${d} OR (date = ${d} AND hour >= ${hourOf(range.sinceMs)}))`);
    if (col) parts.push(`${col} >= ${sqlTimestamp(range.sinceMs)}`);
  }
  if (range.untilMs !== undefined) {
    const last = range.untilMs - 1;
    const d = sqlDate(last);
    parts.push(`(date < ${d} OR (date = ${d} AND hour <= ${hourOf(last)}))`);
    if (col) parts.push(`${col} < ${sqlTimestamp(range.untilMs)}`);
  }
  return parts.join(' AND ');
}
