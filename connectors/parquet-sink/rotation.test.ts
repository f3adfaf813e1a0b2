import { describe, expect, it } from 'vitest';
import { rotationDue } from './rotation.js';

const limits = { maxRecords: 10, maxBytes: 1000, intervalMs: 60_000 };

describe('rotationDue', () => {
  it('closes on records, then bytes, then age', () => {
    expect(rotationDue({ records: 10, bytes: 5000, openedAtMs: 0 }, limits, 100_000)).toBe('records');
    expect(rotationDue({ records: 9, bytes: 1000, openedAtMs: 0 }, limits, 100_000)).toBe('bytes');
    expect(rotationDue({ records: 1, bytes: 1, openedAtMs: 0 }, limits, 60_000)).toBe('time');
    expect(rotationDue({ records: 9, bytes: 999, openedAtMs: 0 }, limits, 59_999)).toBeUndefined();
  });
});
