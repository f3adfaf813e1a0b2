import { describe, expect, it } from 'vitest';
import { detectorsSection } from '../../lib/config/sections/detectors.js';
import { withAlertPolicy } from './alert-policy.js';
import { fieldDetectors, heartbeatConfig } from './from-config.js';
import { spikeDip } from './spike-dip.js';
import { anomalyIndexes, runDetector } from './testing/run-detector.js';
import { noiseSeries, seededRandom } from './testing/synthetic-series.js';

describe('detectors from the pipeline config', () => {
  // The simple detectors are off by default (the combined detector covers them); switched on here.
  const simple = { spikeDip: { enabled: true }, levelShift: { enabled: true }, stuck: { enabled: true } };

  it('builds the enabled detectors of a field, out of range only when bounds exist', () => {
    expect(fieldDetectors(detectorsSection.parse({}), 'climate', 'humidity')).toEqual([]);
    const section = detectorsSection.parse(simple);
    expect(fieldDetectors(section, 'climate', 'humidity').map((d) => d.name)).toEqual([
      'spike-dip',
      'level-shift',
      'stuck',
    ]);
    expect(fieldDetectors(section, 'climate', 'temperature', { min: -40, max: 85 }).map((d) => d.name)).toContain(
      'out-of-range',
    );
  });

  it('applies overrides for the type or the field, in order, and config ranges before schema ranges', () => {
    const section = detectorsSection.parse({
      ...simple,
      outOfRange: { ranges: { 'climate.temperature': { max: 50 } } },
      overrides: [
        { type: 'climate', detector: 'levelShift', settings: { enabled: false } },
        { type: 'climate', field: 'temperature', detector: 'spikeDip', settings: { enabled: false } },
      ],
    });
    const temperature = fieldDetectors(section, 'climate', 'temperature', { min: -40, max: 85 });
    expect(temperature.map((d) => d.name)).toEqual(['stuck', 'out-of-range']);
    const oor = temperature[1];
    const state = oor?.init();
    expect(oor?.update(state as never, 0, 60).anomaly?.upper).toBe(50);
    expect(fieldDetectors(section, 'climate', 'humidity').map((d) => d.name)).toEqual(['spike-dip', 'stuck']);
    expect(fieldDetectors(section, 'power', 'watts').map((d) => d.name)).toEqual(['spike-dip', 'level-shift', 'stuck']);
  });

  it('maps the missing section to heartbeat settings', () => {
    expect(heartbeatConfig(detectorsSection.parse({ missing: { expectedInterval: '30s', tolerance: 4 } }))).toEqual({
      tolerance: 4,
      expectedInterval: 30_000,
      minSamples: 5,
    });
  });
});

describe('alert policy', () => {
  it('drops anomalies during warmup and within the event-time cooldown, keeping the scores', () => {
    const series = noiseSeries({ length: 400, mean: 10, sd: 1 }, seededRandom(41)); // one reading a minute
    for (const i of [20, 200, 203, 300]) series.values[i] = 40;
    const inner = spikeDip({ confidence: 99.9, history: 60, warmup: 10 });
    const plain = anomalyIndexes(runDetector(inner, series));
    expect(plain).toEqual(expect.arrayContaining([20, 200, 203, 300]));
    const policed = runDetector(withAlertPolicy(inner, { warmup: 30, cooldownMs: 10 * 60_000, minScore: 0.5 }), series);
    const kept = anomalyIndexes(policed);
    expect(kept).toEqual(expect.arrayContaining([200, 300]));
    expect(kept).not.toContain(20); // warmup
    expect(kept).not.toContain(203); // 3 minutes after 200: cooldown
    expect(kept.every((i) => plain.includes(i))).toBe(true);
    expect(policed[203]?.score).toBeGreaterThan(0.999);
  });
});
