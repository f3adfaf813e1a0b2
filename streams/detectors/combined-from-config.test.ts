import { describe, expect, it } from 'vitest';
import { detectorsSection } from '../../lib/config/sections/detectors.js';
import { combinedConfig } from './combined-from-config.js';
import { parseCompositeConfig } from './composite-config.js';

describe('combinedConfig', () => {
  it('is the detector defaults (what NAB scores) when the section sets nothing', () => {
    expect(combinedConfig(detectorsSection.parse({}))).toEqual(parseCompositeConfig({}));
  });

  it('applies threshold, warmup and memory, and overrides for a type and field; off is undefined', () => {
    const section = detectorsSection.parse({
      combined: { threshold: 0.6, warmup: 100 },
      overrides: [
        { type: 'power', field: 'energy', detector: 'combined', settings: { enabled: false } },
        { type: 'power', detector: 'combined', settings: { memory: 64 } },
      ],
    });
    const c = combinedConfig(section, 'environment', 'temperature');
    expect(c?.alert).toMatchObject({ threshold: 0.6, warmupRecords: 100 });
    expect(c?.shapes[0]?.memory).toBe(parseCompositeConfig({}).shapes[0]?.memory);
    expect(combinedConfig(section, 'power', 'voltage')?.shapes.every((s) => s.memory === 64)).toBe(true);
    expect(combinedConfig(section, 'power', 'energy')).toBeUndefined();
    expect(combinedConfig(detectorsSection.parse({ combined: { enabled: false } }))).toBeUndefined();
  });
});
