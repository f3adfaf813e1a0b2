import { describe, expect, it } from 'vitest';
import { compareWindow, referenceWindows, windowKey } from './window-reference.js';

const r = (deviceId: string, ts: number, t: number, weight = 1) => ({ deviceId, ts, values: { t }, weight });

describe('referenceWindows', () => {
  it('reduces each device and epoch-aligned window', () => {
    const out = referenceWindows([r('a', 0, 1), r('a', 59_999, 3), r('a', 60_000, 10), r('b', 5, 7)], 60_000);
    expect(out.get(windowKey('a', 0))).toEqual({
      deviceId: 'a',
      windowStart: 0,
      windowEnd: 60_000,
      count: 2,
      fields: { t: { count: 2, min: 1, max: 3, sum: 4, mean: 2 } },
    });
    expect(out.get(windowKey('a', 60_000))?.count).toBe(1);
    expect(out.get(windowKey('b', 0))?.fields.t?.sum).toBe(7);
  });

  it('weights readings (copies) and leaves out weight 0 (declared late)', () => {
    const out = referenceWindows([r('a', 0, 1, 2), r('a', 1, 5, 0)], 60_000);
    expect(out.get(windowKey('a', 0))?.fields.t).toEqual({ count: 2, min: 1, max: 1, sum: 2, mean: 1 });
  });
});

describe('compareWindow', () => {
  const want = referenceWindows([r('a', 0, 1), r('a', 1, 3)], 60_000).get(windowKey('a', 0))!;

  it('is empty when equal (within rounding)', () => {
    const got = { count: 2, fields: { t: { count: 2, min: 1, max: 3, sum: 4 + 1e-13, mean: 2 } } };
    expect(compareWindow(got, want)).toBe('');
  });

  it('names every difference', () => {
    const got = { count: 3, fields: { t: { count: 3, min: 1, max: 3, sum: 5, mean: 5 / 3 }, u: want.fields.t! } };
    expect(compareWindow(got, want)).toBe(
      'count 3 != 2, t.count 3 != 2, t.sum 5 != 4, t.mean 1.6666666666666667 != 2, u: not expected',
    );
  });
});
