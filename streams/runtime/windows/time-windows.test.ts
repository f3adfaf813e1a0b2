import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors.js';
import { SessionWindows } from './session-windows.js';
import { TimeWindows } from './time-windows.js';

describe('TimeWindows', () => {
  it('assigns a tumbling window aligned to the epoch', () => {
    const w = TimeWindows.ofSizeAndGrace(60_000, 0);
    expect(w.windowsFor(125_000)).toEqual([{ start: 120_000, end: 180_000 }]);
    expect(w.windowsFor(120_000)).toEqual([{ start: 120_000, end: 180_000 }]);
    expect(w.windowsFor(179_999)).toEqual([{ start: 120_000, end: 180_000 }]);
  });

  it('assigns every hopping window containing the timestamp, oldest first', () => {
    const w = TimeWindows.ofSizeAndGrace(60_000, 5_000).advanceBy(20_000);
    expect(w.windowsFor(75_000)).toEqual([
      { start: 20_000, end: 80_000 },
      { start: 40_000, end: 100_000 },
      { start: 60_000, end: 120_000 },
    ]);
  });

  it('never makes windows with a negative start', () => {
    const w = TimeWindows.ofSizeAndGrace(60_000, 0).advanceBy(30_000);
    expect(w.windowsFor(10_000)).toEqual([{ start: 0, end: 60_000 }]);
  });

  it('closes a window at end + grace', () => {
    const w = TimeWindows.ofSizeAndGrace(60_000, 5_000);
    expect(w.closeTime({ start: 0, end: 60_000 })).toBe(65_000);
    expect(w.minRetentionMs()).toBe(65_000);
  });

  it('is immutable: advanceBy returns a new value', () => {
    const tumbling = TimeWindows.ofSizeWithNoGrace(10);
    const hopping = tumbling.advanceBy(5);
    expect(tumbling.advanceMs).toBe(10);
    expect(hopping.advanceMs).toBe(5);
    expect(hopping.describe()).toContain('hopping');
  });

  it('rejects bad sizes with errors naming the key', () => {
    expect(() => TimeWindows.ofSizeAndGrace(0, 0)).toThrow(ConfigError);
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).toThrow(/windows.grace/);
    expect(() => TimeWindows.ofSizeAndGrace(10, 0).advanceBy(11)).toThrow(/windows.advance/);
  });
});

describe('SessionWindows', () => {
  it('joins records within the gap and closes at end + gap + grace', () => {
    const s = SessionWindows.ofInactivityGapAndGrace(100, 10);
    expect(s.joins({ start: 1000, end: 1200 }, 1300)).toBe(true);
    expect(s.joins({ start: 1000, end: 1200 }, 1301)).toBe(false);
    expect(s.joins({ start: 1000, end: 1200 }, 900)).toBe(true);
    expect(s.closeTime({ start: 1000, end: 1200 })).toBe(1310);
    expect(() => SessionWindows.ofInactivityGapAndGrace(0, 0)).toThrow(/windows.gap/);
  });
});
