import { describe, expect, it } from 'vitest';
import { lagVerdict, leastSquaresSlope } from './lag-verdict.js';

const series = (seconds: number, lagAt: (t: number) => number) =>
  Array.from({ length: seconds / 5 + 1 }, (_, i) => ({ t: i * 5, lag: Math.round(lagAt(i * 5)) }));

describe('lagVerdict', () => {
  it('fits the slope of a straight line exactly', () => {
    expect(leastSquaresSlope(series(60, (t) => 100 + 40 * t))).toBeCloseTo(40, 9);
  });

  it('sustained: lag oscillates around a level well above the floor', () => {
    const v = lagVerdict({ rate: 1000, achievedRate: 1000, samples: series(300, (t) => 20_000 + 3_000 * Math.sin(t)) });
    expect(v.sustained).toBe(true);
    expect(v.reason).toMatch(/trend/);
  });

  it('sustained: lag stays below 5 s of input whatever its shape', () => {
    const v = lagVerdict({ rate: 1000, achievedRate: 990, samples: series(60, (t) => 40 * t) });
    expect(v.maxLag).toBe(2400);
    expect(v.sustained).toBe(true);
  });

  it('not sustained: a pipeline 5% short of the rate builds a backlog', () => {
    const v = lagVerdict({ rate: 4000, achievedRate: 4000, samples: series(120, (t) => 200 * t) });
    expect(v.sustained).toBe(false);
    expect(v.slope).toBeCloseTo(200, 6);
    expect(v.reason).toMatch(/grew by 200/);
  });

  it('not sustained: the publisher fell short of the target rate', () => {
    const v = lagVerdict({ rate: 4000, achievedRate: 3000, samples: series(60, () => 0) });
    expect(v.sustained).toBe(false);
    expect(v.reason).toMatch(/MQTT side saturated/);
  });

  it('ignores the warm-up: a burst at the start that drains is sustained', () => {
    const v = lagVerdict({ rate: 1000, achievedRate: 1000, samples: series(100, (t) => (t < 15 ? 50_000 : 8_000)) });
    expect(v.sustained).toBe(true);
  });

  it('refuses too few samples', () => {
    expect(() => lagVerdict({ rate: 1, achievedRate: 1, samples: [{ t: 0, lag: 0 }] })).toThrow(/at least 4/);
  });
});
