import { describe, expect, it } from 'vitest';
import { spikeDip } from './spike-dip.js';
import { anomalyIndexes, runDetector } from './testing/run-detector.js';
import { noiseSeries, seededRandom } from './testing/synthetic-series.js';

describe('spike-dip', () => {
  it('flags an injected spike on the record itself, with the baseline band', () => {
    const series = noiseSeries({ length: 600, mean: 50, sd: 2 }, seededRandom(11));
    series.values[400] = 50 + 12 * 2; // 12 sigma
    const results = runDetector(spikeDip({ confidence: 99.9, history: 120, mode: 'both' }), series);
    expect(anomalyIndexes(results)).toContain(400);
    const a = results[400]?.anomaly;
    expect(a?.kind).toBe('SPIKE');
    expect(a?.expected).toBeGreaterThan(49);
    expect(a?.expected).toBeLessThan(51);
    expect(a?.upper).toBeLessThan(74);
    expect(a?.lower).toBeLessThan(a?.expected as number);
    expect(results[400]?.score).toBeGreaterThan(0.999);
  });

  it('respects the mode: a dip is ignored in spike mode and flagged in dip mode', () => {
    const series = noiseSeries({ length: 300, mean: 50, sd: 2 }, seededRandom(12));
    series.values[200] = 50 - 24;
    expect(
      runDetector(spikeDip({ confidence: 99.9, history: 60, mode: 'spike' }), series)[200]?.anomaly,
    ).toBeUndefined();
    expect(runDetector(spikeDip({ confidence: 99.9, history: 60, mode: 'dip' }), series)[200]?.anomaly?.kind).toBe(
      'DIP',
    );
  });

  it('stays (nearly) quiet on clean Gaussian noise at 99.99%: at most 10 flags in 30 000 readings (3 expected)', () => {
    let flags = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const series = noiseSeries({ length: 3000, mean: 50, sd: 2 }, seededRandom(seed));
      flags += anomalyIndexes(runDetector(spikeDip({ confidence: 99.99, history: 120, mode: 'both' }), series)).length;
    }
    expect(flags).toBeLessThanOrEqual(10);
  });

  it('flags nothing before the warmup and rejects a bad confidence with the key named', () => {
    const series = noiseSeries({ length: 40, mean: 0, sd: 1 }, seededRandom(3));
    series.values[10] = 1000;
    expect(runDetector(spikeDip({ warmup: 30 }), series)[10]?.anomaly).toBeUndefined();
    expect(() => spikeDip({ confidence: 100 })).toThrow(/detectors\.spikeDip\.confidence/);
  });

  it('rejects a non-finite value with a coded error', () => {
    const d = spikeDip();
    expect(() => d.update(d.init(), 0, Number.NaN)).toThrow(expect.objectContaining({ code: 'DETECTOR_BAD_VALUE' }));
  });
});
