import { describe, expect, it } from 'vitest';
import { type CompositeState, compositeDetector } from './composite.js';
import { decodeCompositeState, encodeCompositeState } from './composite-codec.js';
import { parseCompositeConfig } from './composite-config.js';
import { compositeSettings } from './composite-settings.js';
import { decodeDetectorState, encodeDetectorState } from './state-codec.js';
import { anomalyIndexes, runDetector } from './testing/run-detector.js';
import { dailySeries, driftingDailySeries, seededRandom } from './testing/synthetic-series.js';

// Two weeks of a daily cycle (288 readings a day, sd 1 noise); anomalies injected at record 3000.
const base = (seed: number) => dailySeries({ days: 14, perDay: 288, noise: 1 }, seededRandom(seed));
const AT = 3000;

describe('combined detector on synthetic series', () => {
  it('flags a spike on the record itself as SPIKE', () => {
    for (const seed of [1, 2, 3]) {
      const series = base(seed);
      series.values[AT] = (series.values[AT] as number) + 25;
      const results = runDetector(compositeDetector(), series);
      expect(results[AT]?.anomaly?.kind).toBe('SPIKE');
      expect(results[AT]?.score).toBe(1);
    }
  });

  it('flags a level shift of 8 sigma within 10 records', () => {
    for (const seed of [1, 2, 3]) {
      const series = base(seed);
      for (let i = AT; i < series.values.length; i++) series.values[i] = (series.values[i] as number) + 8;
      const first = anomalyIndexes(runDetector(compositeDetector(), series)).find((i) => i >= AT);
      expect(first).toBeDefined();
      expect((first as number) - AT).toBeLessThan(10);
    }
  });

  it('flags a frozen sensor as STUCK on its third repeated reading', () => {
    for (const seed of [1, 2, 3]) {
      const series = base(seed);
      for (let i = AT; i < AT + 200; i++) series.values[i] = series.values[AT - 1] as number;
      const results = runDetector(compositeDetector(), series);
      // Two repeats in a row happen somewhere in a thousand records of a series that rarely repeats;
      // three do not (the channel counts the records a run could have started at).
      expect(results[AT + 1]?.anomaly).toBeUndefined();
      expect(results[AT + 2]?.anomaly?.kind).toBe('STUCK');
    }
  });

  it('rarely alerts on clean series (new extremes of the noise): at most 15 in 10 x 4 032 records, none in warmup', () => {
    let alerts = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const flagged = anomalyIndexes(runDetector(compositeDetector(), base(seed)));
      expect(flagged.every((i) => i >= 600)).toBe(true);
      alerts += flagged.length;
    }
    expect(alerts).toBeLessThanOrEqual(15);
  });

  it(
    'rarely alarms on clean drifting daily signals (one reading a minute, 20 days), less at a higher threshold',
    { timeout: 60_000 },
    () => {
      const signals = [
        { amplitude: 0.5, driftPerDay: 0.05 },
        { amplitude: 4, driftPerDay: -0.1 },
        { amplitude: 8, driftPerDay: 0.2 },
      ].map((o, i) =>
        driftingDailySeries(
          { days: 30, stepMs: 60_000, mean: 20, noise: 1, peakHour: 6 * i, ...o },
          seededRandom(50 + i),
        ),
      );
      const alarms = (threshold: number) =>
        signals.reduce(
          (n, s) => n + anomalyIndexes(runDetector(compositeDetector({ alert: { threshold } }), s)).length,
          0,
        );
      const records = signals.reduce((n, s) => n + s.values.length, 0);
      const atDefault = alarms(0.5);
      expect(atDefault).toBeLessThanOrEqual(records / 10_000);
      expect(alarms(0.6)).toBeLessThanOrEqual(Math.max(1, atDefault / 2));
    },
  );

  it('asks its channels for the evidence its alert threshold stands for', () => {
    const at = (threshold: number) => compositeSettings(parseCompositeConfig({ alert: { threshold } }));
    expect(at(0.5).likelihood.red).toBeCloseTo(0.99999, 12);
    expect(at(0.5).stuck?.probability).toBeCloseTo(1e-5, 15);
    expect(at(0.6).likelihood.red).toBeCloseTo(0.999999, 12);
    expect(at(0.6).stuck?.probability).toBeCloseTo(1e-6, 16);
    expect(compositeSettings(parseCompositeConfig({ likelihood: { red: 0.9999 } })).likelihood.red).toBe(0.9999);
  });

  it('scores every record in [0, 1] and reports the channel behind an anomaly', () => {
    const series = base(7);
    series.values[AT] = (series.values[AT] as number) - 30;
    const results = runDetector(compositeDetector(), series);
    expect(results.every((r) => r.score >= 0 && r.score <= 1)).toBe(true);
    // One record 30 below its neighbours: the jump channel (one record against its forecast) sees it first.
    expect(results[AT]?.anomaly).toMatchObject({ kind: 'DIP', detector: 'combined/jump' });
    const a = results[AT]?.anomaly;
    expect(a && a.lower <= a.expected && a.expected <= a.upper && (series.values[AT] as number) < a.lower).toBe(true);
  });

  const codecs: [string, (s: CompositeState) => CompositeState][] = [
    ['its binary codec', (s) => decodeCompositeState(encodeCompositeState(s))],
    ['the detector state codec', (s) => decodeDetectorState<CompositeState>(encodeDetectorState(s))],
    [
      'the detector state codec inside a device state (JSON)',
      (s) =>
        decodeDetectorState<{ fields: { t: { combined: CompositeState } } }>(
          encodeDetectorState({ site: 'a', fields: { t: { combined: s } } }),
        ).fields.t.combined,
    ],
  ];
  for (const [how, roundTrip] of codecs) {
    it(`survives a restart: a state saved with ${how} mid-series gives every later score bit for bit`, () => {
      const series = base(9);
      series.values[AT] = (series.values[AT] as number) + 25;
      const d = compositeDetector();
      const straight = runDetector(d, series).map((r) => r.score);
      for (const half of [700, 2500, 3001]) {
        const state = d.init();
        for (let i = 0; i < half; i++) d.update(state, series.timestamps[i] as number, series.values[i] as number);
        const restored = roundTrip(state);
        expect(restored.f).not.toBe(state.f);
        for (let i = half; i < series.values.length; i++) {
          const score = d.update(restored, series.timestamps[i] as number, series.values[i] as number).score;
          if (!Object.is(score, straight[i]))
            expect.fail(`record ${i}: ${score} after a restart at ${half}, ${straight[i]} without`);
        }
      }
    });
  }

  it('keeps its state small and bounded: the same bytes after 10 000 and 40 000 records, under 8 KB encoded', () => {
    const d = compositeDetector();
    const long = dailySeries({ days: 140, perDay: 288, noise: 1 }, seededRandom(5));
    const state = d.init();
    let at10k = 0;
    long.values.forEach((v, i) => {
      d.update(state, long.timestamps[i] as number, v);
      if (i === 9999) at10k = encodeCompositeState(state).length;
    });
    const bytes = encodeCompositeState(state).length;
    expect(bytes).toBe(at10k);
    expect(bytes).toBeLessThan(8_192);
    expect(state.f.byteLength + state.b.byteLength + state.m.byteLength).toBe(bytes - 16);
  });

  it('starts a series over when its state was written under another layout (e.g. another memory size)', () => {
    const small = compositeDetector({ shapes: [{ step: 1, length: 4, memory: 64 }] });
    const state = compositeDetector().init();
    for (let i = 0; i < 50; i++) compositeDetector().update(state, i * 60_000, i % 7);
    const fresh = small.init();
    const a = small.update(state, 0, 3);
    const b = small.update(fresh, 0, 3);
    expect(a).toEqual(b);
    expect(state.b.length).toBe(fresh.b.length);
  });

  it('names the bad key of a config', () => {
    expect(() => compositeDetector({ alert: { threshold: 2 } })).toThrow(/detectors\.combined\.alert\.threshold/);
  });
});
