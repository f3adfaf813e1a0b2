import { describe, expect, it } from 'vitest';
import { stuckDetector } from './stuck.js';
import { anomalyIndexes, runDetector } from './testing/run-detector.js';
import { noiseSeries, seededRandom } from './testing/synthetic-series.js';

describe('stuck', () => {
  it('flags a noisy sensor that freezes within 3 readings, once', () => {
    const series = noiseSeries({ length: 1500, mean: 20, sd: 1 }, seededRandom(31));
    for (let i = 1000; i < 1200; i++) series.values[i] = series.values[999] as number;
    const flagged = anomalyIndexes(runDetector(stuckDetector(), series));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toBeGreaterThanOrEqual(1000);
    expect(flagged[0]).toBeLessThanOrEqual(1002);
  });

  it('stays quiet on a sensor that normally repeats its values (coarse integer readings)', () => {
    const series = noiseSeries({ length: 3000, mean: 20, sd: 0.3 }, seededRandom(32));
    series.values = series.values.map((v) => Math.round(v));
    expect(anomalyIndexes(runDetector(stuckDetector(), series))).toEqual([]);
  });

  it('with record: false and repeats, flags every freeze of at least `repeats` readings', () => {
    const series = noiseSeries({ length: 1000, mean: 20, sd: 1 }, seededRandom(33));
    for (const start of [400, 700])
      for (let i = start; i < start + 30; i++) series.values[i] = series.values[start - 1] as number;
    const flagged = anomalyIndexes(
      runDetector(stuckDetector({ repeats: 20, record: false, learnRecords: 30 }), series),
    );
    expect(flagged).toEqual([419, 719]);
  });
});
