import { describe, expect, it } from 'vitest';
import { createSchedule } from './schedule.js';

describe('createSchedule', () => {
  it('spreads N devices evenly over the interval at the total rate', () => {
    const s = createSchedule({ units: 1000, devices: 1000, rate: 500, durationS: 60, startTs: 1_000_000 });
    expect(s.intervalMs).toBe(2000);
    expect(s.totalSlots).toBe(30_000);
    expect(s.dueCount(0)).toBe(1);
    expect(s.dueCount(999)).toBe(500);
    expect(s.dueCount(1000)).toBe(501);
    expect(s.dueCount(10 ** 9)).toBe(30_000);
    expect([s.unitOf(1001), s.seqOf(1001), s.tsOf(1001)]).toEqual([1, 1, 1_002_002]);
    // Every device reads once per interval: device 7's event times are 2 s apart.
    expect(s.tsOf(7 + 1000) - s.tsOf(7)).toBe(2000);
  });

  it('with gateways sends fewer messages carrying the same readings per second', () => {
    const s = createSchedule({ units: 100, devices: 1000, rate: 500, durationS: 10, startTs: 0 });
    expect(s.unitRate).toBe(50);
    expect(s.intervalMs).toBe(2000);
    expect(s.totalSlots).toBe(500);
  });

  it('runs without end when the duration is 0, and refuses a rate of 0', () => {
    expect(createSchedule({ units: 1, devices: 1, rate: 1, durationS: 0, startTs: 0 }).totalSlots).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(() => createSchedule({ units: 1, devices: 1, rate: 0, durationS: 1, startTs: 0 })).toThrow(/rate/);
  });
});
