import { describe, expect, it } from 'vitest';
import type { ArchiveColumn } from './columns.js';
import { eventTimeOf } from './event-time.js';

const ms: ArchiveColumn = { name: 'ts', kind: 'timestamp-ms', sqlType: 'TIMESTAMP_MS', nullable: false };
const us: ArchiveColumn = { name: 'ts', kind: 'timestamp-us', sqlType: 'TIMESTAMP', nullable: false };

describe('eventTimeOf', () => {
  it('reads the event-time column, micros divided down', () => {
    expect(eventTimeOf({ ts: 1_780_000_000_123 }, ms, 5)).toBe(1_780_000_000_123);
    expect(eventTimeOf({ ts: 1_780_000_000_123_456 }, us, 5)).toBe(1_780_000_000_123);
  });
  it('falls back to the record timestamp when the schema has no event time', () => {
    expect(eventTimeOf({ v: 1 }, undefined, 1_780_000_000_000)).toBe(1_780_000_000_000);
  });
  it('refuses times a date folder cannot name', () => {
    expect(eventTimeOf({ ts: -1 }, ms, 0)).toBeUndefined();
    expect(eventTimeOf({ ts: Date.UTC(10000, 0, 1) }, ms, 0)).toBeUndefined();
    expect(eventTimeOf({ ts: null }, ms, 0)).toBeUndefined();
  });
});
