import { describe, expect, it } from 'vitest';
import { levelShift } from './level-shift.js';
import { anomalyIndexes, runDetector } from './testing/run-detector.js';
import { noiseSeries, seededRandom } from './testing/synthetic-series.js';

describe('level-shift', () => {
  it('flags a step of 3 sigma once, within the window after it, with the old level as expected', () => {
    const series = noiseSeries({ length: 800, mean: 20, sd: 1 }, seededRandom(21));
    for (let i = 500; i < 800; i++) series.values[i] = (series.values[i] as number) + 3;
    const results = runDetector(levelShift({ confidence: 99.9, window: 30 }), series);
    const flagged = anomalyIndexes(results);
    expect(flagged).toHaveLength(1);
    const at = flagged[0] as number;
    expect(at).toBeGreaterThanOrEqual(500);
    expect(at).toBeLessThan(530);
    expect(results[at]?.anomaly?.kind).toBe('LEVEL_SHIFT');
    expect(results[at]?.anomaly?.expected).toBeCloseTo(20, 0);
  });

  it('rarely fires on clean noise at 99.99%: at most 3 flags in 20 000 readings', () => {
    let flags = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const series = noiseSeries({ length: 2000, mean: 20, sd: 1 }, seededRandom(100 + seed));
      flags += anomalyIndexes(runDetector(levelShift({ confidence: 99.99, window: 30 }), series)).length;
    }
    expect(flags).toBeLessThanOrEqual(3);
  });

  it('names the key of a bad window', () => {
    expect(() => levelShift({ window: 2 })).toThrow(/detectors\.levelShift\.window/);
  });
});
