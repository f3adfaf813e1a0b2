import { describe, expect, it } from 'vitest';
import { detectorsSection } from '../../config/sections/detectors.js';
import {
  type DeviceDetectSettings,
  detectSettingsKey,
  deviceDetectorsSection,
  deviceLimit,
  parseDetectSettingsKey,
} from './detect-settings.js';

const base = detectorsSection.parse({
  outOfRange: { ranges: { 'environment.humidity': { min: 0, max: 100 } } },
  overrides: [{ type: 'environment', field: 'temperature', detector: 'spikeDip', settings: { confidence: 99.9 } }],
});

const settings = (over: Partial<DeviceDetectSettings> = {}): DeviceDetectSettings => ({
  limits: {},
  detectors: [],
  ...over,
});

describe('detectSettingsKey', () => {
  it("is '' without limits or overrides, and the same for two records that say the same thing", () => {
    expect(detectSettingsKey(undefined)).toBe('');
    expect(detectSettingsKey(settings())).toBe('');
    const a = settings({
      limits: { temperature: { min: null, max: 30 }, humidity: { min: 10, max: 90 } },
      detectors: [
        { detector: 'stuck', field: null, settings: { repeats: 5, enabled: true } },
        { detector: 'combined', field: 'temperature', settings: { enabled: false } },
      ],
    });
    const b = settings({
      limits: { humidity: { min: 10, max: 90 }, temperature: { min: null, max: 30 } },
      detectors: [
        { detector: 'combined', field: 'temperature', settings: { enabled: false } },
        { detector: 'stuck', field: null, settings: { enabled: true, repeats: 5 } },
      ],
    });
    expect(detectSettingsKey(a)).toBe(detectSettingsKey(b));
    expect(parseDetectSettingsKey(detectSettingsKey(a)).limits.temperature).toEqual({ min: null, max: 30 });
    expect(parseDetectSettingsKey('')).toEqual(settings());
  });
});

describe('deviceLimit', () => {
  it('<type>.<field> first, then <field>', () => {
    const s = settings({ limits: { temperature: { min: 0, max: 30 }, 'power.temperature': { min: 0, max: 60 } } });
    expect(deviceLimit(s, 'environment', 'temperature')).toEqual({ min: 0, max: 30 });
    expect(deviceLimit(s, 'power', 'temperature')).toEqual({ min: 0, max: 60 });
    expect(deviceLimit(s, 'environment', 'humidity')).toBeUndefined();
  });
});

describe('deviceDetectorsSection', () => {
  it("a device limit replaces the field's range (an open end has no bound); other fields keep the pipeline's", () => {
    const { section, problems } = deviceDetectorsSection(
      base,
      settings({ limits: { humidity: { min: null, max: 60 }, temperature: { min: 15, max: 25 } } }),
      'environment',
      ['temperature', 'humidity', 'pressure'],
    );
    expect(problems).toEqual([]);
    expect(section.outOfRange.ranges).toEqual({
      'environment.humidity': { max: 60 },
      'environment.temperature': { min: 15, max: 25 },
    });
    expect(base.outOfRange.ranges).toEqual({ 'environment.humidity': { min: 0, max: 100 } });
  });

  it("overrides come after the pipeline's, for the device's type; missing replaces the heartbeat settings", () => {
    const { section, problems } = deviceDetectorsSection(
      base,
      settings({
        detectors: [
          { detector: 'spikeDip', field: 'temperature', settings: { confidence: 99.99, enabled: true } },
          { detector: 'combined', field: null, settings: { enabled: false } },
          { detector: 'missing', field: null, settings: { expectedInterval: '30s', tolerance: 5 } },
        ],
      }),
      'environment',
      ['temperature'],
    );
    expect(problems).toEqual([]);
    expect(section.overrides).toEqual([
      ...base.overrides,
      {
        type: 'environment',
        field: 'temperature',
        detector: 'spikeDip',
        settings: { confidence: 99.99, enabled: true },
      },
      { type: 'environment', detector: 'combined', settings: { enabled: false } },
    ]);
    expect(section.missing).toEqual({ ...base.missing, expectedInterval: 30_000, tolerance: 5 });
  });

  it('leaves out, and names, what the section would refuse', () => {
    const { section, problems } = deviceDetectorsSection(
      base,
      settings({
        detectors: [
          { detector: 'spikeDip', field: null, settings: { confidence: 120 } },
          { detector: 'stuck', field: null, settings: { wobble: 3 } },
          { detector: 'missing', field: 'temperature', settings: { enabled: false } },
          { detector: 'missing', field: null, settings: { checkInterval: '1s' } },
          { detector: 'levelShift', field: null, settings: { enabled: true } },
        ],
      }),
      'environment',
      ['temperature'],
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^detectors\[0\] \(spikeDip\): spikeDip\.confidence: /);
    expect(problems[1]).toMatch(/^detectors\[1\] \(stuck\): /);
    expect(problems[2]).toMatch(/not a field/);
    expect(problems[3]).toMatch(/checkInterval is the worker's/);
    expect(section.overrides.slice(base.overrides.length)).toEqual([
      { type: 'environment', detector: 'levelShift', settings: { enabled: true } },
    ]);
    expect(section.missing).toEqual(base.missing);
  });
});
