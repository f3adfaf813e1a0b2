import { show } from './conform-to-avro.js';
import type { Rejection } from './dead-letter-reason.js';
import { parseIsoTimestamp } from './parse-iso-timestamp.js';

/** How far event time may be from the receive time before a reading is refused. */
export interface TimeBounds {
  /** Max ms ahead of the receive time (clock skew allowance). */
  maxFutureMs: number;
  /** Max ms behind the receive time (how late a buffered device may deliver). */
  maxPastMs: number;
}

export type EventTimeResult =
  | { ok: true; ts: number; source: 'payload' | 'received' }
  | { ok: false; rejection: Rejection };

/**
 * The event time of a reading from its `ts` value: epoch milliseconds (an integer) or an ISO-8601
 * string with a zone. Missing (`undefined`/`null`) takes the receive time and says so in `source`.
 *
 * @example
 *   eventTime('2024-05-01T12:00:00Z', received, bounds) // { ok: true, ts: 1714564800000, source: 'payload' }
 *   eventTime(undefined, received, bounds)             // { ok: true, ts: received, source: 'received' }
 */
export function eventTime(raw: unknown, receivedAt: number, bounds: TimeBounds, field = 'ts'): EventTimeResult {
  if (raw === undefined || raw === null) return { ok: true, ts: receivedAt, source: 'received' };
  let ts: number | undefined;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw))
      return reject('NON_FINITE', field, 'finite', `${field} is ${raw}: event time must be a finite number`);
    if (!Number.isSafeInteger(raw))
      return reject(
        'SCHEMA_VIOLATION',
        field,
        'epoch-millis',
        `${field} must be integer epoch milliseconds, got ${raw}`,
      );
    ts = raw;
  } else if (typeof raw === 'string') {
    if (/^[+-]?(nan|inf|infinity)$/i.test(raw.trim()))
      return reject('NON_FINITE', field, 'finite', `${field} is ${show(raw)}: event time must be finite`);
    ts = parseIsoTimestamp(raw);
    if (ts === undefined)
      return reject(
        'SCHEMA_VIOLATION',
        field,
        'iso-8601',
        `${field} must be ISO-8601 with a zone (e.g. 2024-05-01T12:00:00Z) or epoch ms, got ${show(raw)}`,
      );
  } else {
    return reject(
      'SCHEMA_VIOLATION',
      field,
      'type:timestamp',
      `${field} must be epoch ms or ISO-8601, got ${show(raw)}`,
    );
  }
  if (ts > receivedAt + bounds.maxFutureMs)
    return reject(
      'TS_OUT_OF_BOUNDS',
      field,
      'max-future',
      `${field} ${safeIso(ts)} is ${ts - receivedAt} ms after the receive time (limit ${bounds.maxFutureMs} ms)`,
    );
  if (ts < receivedAt - bounds.maxPastMs)
    return reject(
      'TS_OUT_OF_BOUNDS',
      field,
      'max-past',
      `${field} ${safeIso(ts)} is ${receivedAt - ts} ms before the receive time (limit ${bounds.maxPastMs} ms)`,
    );
  return { ok: true, ts, source: 'payload' };
}

function reject(reason: Rejection['reason'], field: string, rule: string, message: string): EventTimeResult {
  return { ok: false, rejection: { reason, field, rule, message } };
}

function safeIso(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString();
}
