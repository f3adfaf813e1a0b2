import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../shared/byte-codec.js';
import {
  addValue,
  type FieldAccumulator,
  fieldStats,
  mergeInto,
  newFieldAccumulator,
  readFieldAccumulator,
  writeFieldAccumulator,
} from './field-stats.js';

function feed(values: readonly (readonly [number, number])[], sketch = true): FieldAccumulator {
  const a = newFieldAccumulator(sketch);
  for (const [x, ts] of values) addValue(a, x, ts);
  return a;
}

describe('field statistics (hand-computed)', () => {
  // 2 4 4 4 5 5 7 9: sum 40, mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, population variance 4.
  const series: [number, number][] = [
    [4, 3_000],
    [2, 1_000],
    [4, 5_000],
    [9, 8_000],
    [5, 4_000],
    [7, 7_000],
    [4, 2_000],
    [5, 6_000],
  ];

  it('count, min, max, sum, mean, stddev, first and last by event time', () => {
    const s = fieldStats(feed(series));
    expect(s).toMatchObject({ count: 8, min: 2, max: 9, sum: 40, mean: 5, stddev: 2, first: 2, last: 9 });
  });

  it('quantiles of the floor(q*(n-1)) rank value within 1%, clamped to [min, max]', () => {
    const s = fieldStats(feed(series));
    // sorted: 2 4 4 4 5 5 7 9 -> p50 rank 3 = 4, p95 rank 6 = 7, p99 rank 6 = 7
    expect(Math.abs((s.p50 as number) - 4)).toBeLessThanOrEqual(0.04);
    expect(Math.abs((s.p95 as number) - 7)).toBeLessThanOrEqual(0.07);
    expect(Math.abs((s.p99 as number) - 7)).toBeLessThanOrEqual(0.07);
    const one = fieldStats(feed([[21.5, 0]]));
    expect(one).toMatchObject({ count: 1, stddev: 0, p50: 21.5, p95: 21.5, p99: 21.5 });
  });

  it('leaves quantiles null without a sketch', () => {
    const s = fieldStats(feed(series, false));
    expect(s.p50).toBeNull();
    expect(s.p99).toBeNull();
  });

  it('event-time ties: first keeps the earliest received, last the latest received', () => {
    const s = fieldStats(
      feed([
        [1, 100],
        [2, 100],
        [3, 100],
      ]),
    );
    expect(s.first).toBe(1);
    expect(s.last).toBe(3);
  });

  it('is numerically stable: a large offset does not destroy the variance (Welford)', () => {
    // 1e9 + {4, 7, 13, 16}: mean 1e9+10, deviations -6 -3 3 6, variance 90/4 = 22.5.
    const s = fieldStats(
      feed([
        [1e9 + 4, 1],
        [1e9 + 7, 2],
        [1e9 + 13, 3],
        [1e9 + 16, 4],
      ]),
    );
    expect(s.mean).toBe(1e9 + 10);
    expect(s.stddev).toBeCloseTo(Math.sqrt(22.5), 9);
  });

  it('keeps the rounding error of the sum (Neumaier): 1e16 + 1 - 1e16 = 1', () => {
    const s = fieldStats(
      feed([
        [1e16, 1],
        [1, 2],
        [-1e16, 3],
      ]),
    );
    expect(s.sum).toBe(1);
    expect(s.mean).toBe(1 / 3);
  });

  it('merge of two halves equals one pass over the whole', () => {
    const whole = fieldStats(feed(series));
    const a = feed(series.slice(0, 3));
    const b = feed(series.slice(3));
    mergeInto(a, b);
    const merged = fieldStats(a);
    expect({ ...merged, stddev: 0 }).toEqual({ ...whole, stddev: 0 });
    expect(merged.stddev).toBeCloseTo(whole.stddev, 12);
    const empty = newFieldAccumulator(true);
    mergeInto(empty, feed(series));
    expect(fieldStats(empty)).toEqual(whole);
  });

  it('serialises and restores every statistic', () => {
    const a = feed(series);
    const w = new ByteWriter(8);
    writeFieldAccumulator(w, a);
    const r = new ByteReader(w.finish(), 'test');
    const back = readFieldAccumulator(r);
    expect(r.done()).toBe(true);
    expect(fieldStats(back)).toEqual(fieldStats(a));
    addValue(back, 100, 9_000);
    addValue(a, 100, 9_000);
    expect(fieldStats(back)).toEqual(fieldStats(a));
  });
});
