import { describe, expect, it } from 'vitest';
import { eventTime } from './event-time.js';

const received = Date.UTC(2025, 2, 1, 12);
const bounds = { maxFutureMs: 60_000, maxPastMs: 3_600_000 };

describe('eventTime', () => {
  it('takes epoch ms and ISO-8601', () => {
    expect(eventTime(received - 1000, received, bounds)).toEqual({ ok: true, ts: received - 1000, source: 'payload' });
    expect(eventTime('2025-03-01T11:59:00Z', received, bounds)).toEqual({
      ok: true,
      ts: received - 60_000,
      source: 'payload',
    });
  });

  it('uses the receive time when ts is missing, and says so', () => {
    expect(eventTime(undefined, received, bounds)).toEqual({ ok: true, ts: received, source: 'received' });
    expect(eventTime(null, received, bounds)).toEqual({ ok: true, ts: received, source: 'received' });
  });

  it('refuses event times outside the bounds with TS_OUT_OF_BOUNDS', () => {
    const future = eventTime(received + 60_001, received, bounds);
    expect(future.ok || future.rejection).toMatchObject({
      reason: 'TS_OUT_OF_BOUNDS',
      rule: 'max-future',
      field: 'ts',
    });
    const past = eventTime(received - 3_600_001, received, bounds);
    expect(past.ok || past.rejection).toMatchObject({ reason: 'TS_OUT_OF_BOUNDS', rule: 'max-past' });
    // epoch seconds by mistake land in 1970: out of bounds, not silently accepted
    const seconds = eventTime(Math.floor(received / 1000), received, bounds);
    expect(seconds.ok || seconds.rejection.reason).toBe('TS_OUT_OF_BOUNDS');
    expect(eventTime(received + 60_000, received, bounds).ok).toBe(true);
  });

  it.each([
    [1.5e12 + 0.5, 'SCHEMA_VIOLATION', 'epoch-millis'],
    ['2025-03-01 12:00', 'SCHEMA_VIOLATION', 'iso-8601'],
    ['1740830400000', 'SCHEMA_VIOLATION', 'iso-8601'],
    [true, 'SCHEMA_VIOLATION', 'type:timestamp'],
    ['NaN', 'NON_FINITE', 'finite'],
    [Number.POSITIVE_INFINITY, 'NON_FINITE', 'finite'],
  ])('refuses %j as %s', (raw, reason, rule) => {
    const r = eventTime(raw, received, bounds);
    expect(r.ok).toBe(false);
    expect(r.ok || r.rejection).toMatchObject({ reason, rule, field: 'ts' });
  });
});
