import { describe, expect, it } from 'vitest';
import { outOfRange } from './out-of-range.js';

describe('out-of-range', () => {
  it('flags values outside the configured bounds with the nearest bound as expected', () => {
    const d = outOfRange({ min: -40, max: 85 });
    const s = d.init();
    expect(d.update(s, 0, 20)).toEqual({ score: 0 });
    expect(d.update(s, 1, 85)).toEqual({ score: 0 });
    expect(d.update(s, 2, 90).anomaly).toEqual({
      kind: 'OUT_OF_RANGE',
      expected: 85,
      lower: -40,
      upper: 85,
      detector: 'out-of-range',
    });
    expect(d.update(s, 3, -41).anomaly?.expected).toBe(-40);
    expect(s.outside).toBe(2);
  });

  it('accepts one bound only and rejects none or min > max, naming the key', () => {
    expect(outOfRange({ max: 100 }).update({ outside: 0 }, 0, 101).anomaly?.kind).toBe('OUT_OF_RANGE');
    expect(() => outOfRange({}, 'detectors.outOfRange.ranges.climate.temperature')).toThrow(
      /detectors\.outOfRange\.ranges\.climate\.temperature/,
    );
    expect(() => outOfRange({ min: 5, max: 1 })).toThrow(/min <= max/);
  });
});
