import { describe, expect, it } from 'vitest';
import { noiseFactor, shiftOffset, spikeOrDip } from './anomaly-magnitudes.js';
import { checkHistoryBounds } from './history-bounds.js';
import type { FieldModel } from './sensor-types/sensor-type-model.js';

const temperature: FieldModel = { name: 'temperature', unit: '°C', min: -40, max: 125, decimals: 2 };
const humidity: FieldModel = { name: 'humidity', unit: '%', min: 0, max: 100, decimals: 1 };
const c = { sigma: 0.1, level: 20, dailyLow: 16, dailyHigh: 24 };

describe('anomaly magnitudes', () => {
  it('puts a spike at least 6-10 sigmas above the reading and beyond the day range by 3-5 sigmas + 10-50% of it', () => {
    // At night (low): the day's range decides. 24 + 3 x 0.1 + 0.1 x 8 = 25.1.
    expect(spikeOrDip('SPIKE', 16.2, c, temperature, [0, 0, 0])).toEqual({ kind: 'SPIKE', value: 25.1 });
    // Top draws: 24 + 5 x 0.1 + 0.5 x 8 = 28.5.
    expect(spikeOrDip('SPIKE', 16.2, c, temperature, [0.999999, 0.999999, 0.999999]).value).toBeCloseTo(28.5, 2);
    // A reading already above the day's range: 10 sigmas from it decides.
    expect(spikeOrDip('SPIKE', 30, c, temperature, [0.999999, 0, 0]).value).toBeCloseTo(31, 2);
    expect(spikeOrDip('DIP', 23.9, c, temperature, [0, 0, 0])).toEqual({ kind: 'DIP', value: 14.9 });
  });

  it('turns a spike with no headroom into a dip, and back', () => {
    const wet = { sigma: 0.5, level: 90, dailyLow: 80, dailyHigh: 97 };
    expect(spikeOrDip('SPIKE', 96, wet, humidity, [0.5, 0.5, 0.5]).kind).toBe('DIP');
    const dry = { sigma: 0.5, level: 5, dailyLow: 2, dailyHigh: 20 };
    expect(spikeOrDip('DIP', 3, dry, humidity, [0.5, 0.5, 0.5]).kind).toBe('SPIKE');
  });

  it('shifts by the larger of 6-10 sigmas and 20-50% of the day range, flipping to stay in range', () => {
    expect(shiftOffset(20, c, temperature, [0, 0, 0.9])).toBe(1.6); // 0.2 x 8 > 6 x 0.1
    expect(shiftOffset(20, { ...c, dailyLow: 23.9 }, temperature, [0, 0, 0.1])).toBe(-0.6); // 6 x 0.1
    expect(shiftOffset(99, { sigma: 0.5, level: 99, dailyLow: 90, dailyHigh: 99 }, humidity, [0, 0, 0.9])).toBe(-3);
    expect(noiseFactor(0)).toBe(4);
    expect(noiseFactor(0.999)).toBe(8);
  });
});

describe('checkHistoryBounds', () => {
  const now = Date.UTC(2025, 0, 15);
  it('refuses a history older than 6 days or a live start more than 5 min ahead, naming the flag', () => {
    expect(() => checkHistoryBounds(now - 6 * 86_400_000, now, now)).not.toThrow();
    expect(() => checkHistoryBounds(now - 6 * 86_400_000 - 1, now, now)).toThrow(/--history: expected the history/);
    expect(() => checkHistoryBounds(now - 3_600_000, now + 300_001, now)).toThrow(/--start-ts: expected at most 5m/);
  });
});
