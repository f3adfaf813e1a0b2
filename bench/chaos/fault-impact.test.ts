import { describe, expect, it } from 'vitest';
import { baselineLag, faultImpacts } from './fault-impact.js';
import type { LagSample } from './lag-sampler.js';

const series = (values: Array<number | null>, from = 0): LagSample[] =>
  values.map((v, i) => ({ t: from + i, lag: { sink: v, aggregate: 10 } }));

describe('faultImpacts', () => {
  it('takes the largest lag until the next fault and recovers after the target is back, stably', () => {
    // t: 0..14; fault at 3, target back at 5; under 100 at t=8, a blip at 9, stable from 10 on
    const samples = series([5, 5, 5, 50, 300, 900, 400, 150, 90, 120, 80, 60, 40, 30, 20]);
    const [impact] = faultImpacts(samples, [{ name: 'sink kill -9', at: 3, restoredAt: 5 }], 15, 100);
    expect(impact!.maxLag).toEqual({ sink: 900, aggregate: 10 });
    expect(impact!.recoveredAt).toBe(10);
    expect(impact!.recoverS).toBe(7);
  });

  it('counts unreadable seconds and never recovers through them', () => {
    const samples = series([5, null, null, null, 5, 5, 5], 0);
    const [impact] = faultImpacts(samples, [{ name: 'kafka kill -9', at: 1, restoredAt: 2 }], 7, 100);
    expect(impact!.unreadableS).toBe(3);
    expect(impact!.recoveredAt).toBe(4);
  });

  it('stops at the next fault: not recovered before it', () => {
    const samples = series([500, 500, 500, 500, 5, 5, 5, 5]);
    const impacts = faultImpacts(
      samples,
      [
        { name: 'b', at: 4, restoredAt: 4 },
        { name: 'a', at: 0, restoredAt: 1 },
      ],
      8,
      100,
    );
    expect(impacts.map((i) => i.name)).toEqual(['a', 'b']);
    expect(impacts[0]!.recoveredAt).toBeNull();
    expect(impacts[1]!.recoverS).toBe(0);
  });

  it('a target never restored never recovers', () => {
    const [impact] = faultImpacts(series([5, 5, 5, 5]), [{ name: 'x', at: 0, restoredAt: undefined }], 4, 100);
    expect(impact!.recoveredAt).toBeNull();
  });
});

describe('baselineLag', () => {
  it('is the largest lag per group before the first fault', () => {
    expect(baselineLag(series([3, 7, null, 900]), 3)).toEqual({ sink: 7, aggregate: 10 });
  });
});
