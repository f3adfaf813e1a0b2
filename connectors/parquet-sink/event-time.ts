import type { ArchiveColumn } from './columns.js';

/** Latest event time the archive lays out: 9999-12-31, the last date a `date=` folder can name. */
export const MAX_EVENT_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A record's event time in ms: its event-time column (micros divided down), or the Kafka record
 * timestamp when the schema has none. Undefined when it is not a finite time in 1970..9999, which
 * the sink dead-letters (UNARCHIVABLE). Pure.
 *
 * @example
 *   eventTimeOf({ ts: 1780000000000 }, tsColumn, 0) // 1780000000000
 */
export function eventTimeOf(
  value: Record<string, unknown>,
  column: ArchiveColumn | undefined,
  recordTimestampMs: number,
): number | undefined {
  let ms: number;
  if (column === undefined) ms = recordTimestampMs;
  else {
    const raw = value[column.name];
    if (typeof raw !== 'number') return undefined;
    ms = column.kind === 'timestamp-us' ? Math.floor(raw / 1000) : raw;
  }
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_EVENT_TIME_MS ? ms : undefined;
}
