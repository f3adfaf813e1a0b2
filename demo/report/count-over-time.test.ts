import { describe, expect, it } from 'vitest';
import { bucketFor, countOverTime } from './count-over-time.js';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1, 0, 0, 0);

describe('countOverTime', () => {
  it('counts alarms and injected anomalies per hour of event time over a day', () => {
    const span = { startTs: T0 + 30 * 60_000, endTs: T0 + 24 * H + 60_000 };
    const c = countOverTime(
      [{ ts: T0 + 31 * 60_000 }, { ts: T0 + 59 * 60_000 }, { ts: T0 + 5 * H }, { ts: T0 + 24 * H + 1 }, { ts: T0 }],
      [
        { kind: 'SPIKE', startTs: T0 + 5 * H + 1 },
        { kind: 'MALFORMED', startTs: T0 + 5 * H + 2 },
        { kind: 'MISSING', startTs: T0 + 23 * H },
      ],
      span,
    );
    expect(c.bucketMs).toBe(H);
    expect(c.starts).toHaveLength(25);
    expect(c.starts[0]).toBe(T0);
    expect(c.starts[24]).toBe(T0 + 24 * H);
    expect(c.alarms[0]).toBe(2); // T0 itself is before the span
    expect(c.alarms[5]).toBe(1);
    expect(c.alarms[24]).toBe(1);
    expect(c.alarms.reduce((a, b) => a + b)).toBe(4);
    expect(c.injected[5]).toBe(1); // MALFORMED is not counted
    expect(c.injected[23]).toBe(1);
    expect(c.injected.reduce((a, b) => a + b)).toBe(2);
  });

  it('chooses a bucket giving at most 72 of them', () => {
    expect(bucketFor(25 * H)).toBe(H);
    expect(bucketFor(6 * H)).toBe(5 * 60_000);
    expect(bucketFor(7 * H)).toBe(15 * 60_000);
    expect(bucketFor(30 * 60_000)).toBe(60_000);
    expect(bucketFor(10 * 24 * H)).toBe(6 * H);
    expect(countOverTime([], [], { startTs: T0, endTs: T0 + 2 * H }, 15 * 60_000).starts).toHaveLength(9);
  });
});
