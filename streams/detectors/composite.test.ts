import { describe, expect, it } from 'vitest';
import { type CompositeState, compositeDetector } from './composite.js';
import { decodeDetectorState, encodeDetectorState } from './state-codec.js';
import { anomalyIndexes, runDetector } from './testing/run-detector.js';
import { dailySeries, seededRandom } from './testing/synthetic-series.js';

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

  it('flags a frozen sensor as STUCK on its second repeated reading', () => {
    for (const seed of [1, 2, 3]) {
      const series = base(seed);
      for (let i = AT; i < AT + 200; i++) series.values[i] = series.values[AT - 1] as number;
      const results = runDetector(compositeDetector(), series);
      expect(results[AT + 1]?.anomaly?.kind).toBe('STUCK');
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

  it('scores every record in [0, 1] and reports the channel behind an anomaly', () => {
    const series = base(7);
    series.values[AT] = (series.values[AT] as number) - 30;
    const results = runDetector(compositeDetector(), series);
    expect(results.every((r) => r.score >= 0 && r.score <= 1)).toBe(true);
    expect(results[AT]?.anomaly).toMatchObject({ kind: 'DIP', detector: 'combined/range' });
  });

  for (const [how, save, load] of [
    ['plain JSON', (s: CompositeState) => JSON.stringify(s), (t: string) => JSON.parse(t) as CompositeState],
    ['the state codec', encodeDetectorState, (b: Uint8Array) => decodeDetectorState<CompositeState>(b)],
  ] as const) {
    it(`survives a restart: a state saved with ${how} mid-series continues with the same scores`, () => {
      const series = base(9);
      series.values[AT] = (series.values[AT] as number) + 25;
      const d = compositeDetector();
      const straight = runDetector(d, series).map((r) => r.score);
      const state = d.init();
      const half = 2500; // every memory has wrapped or filled in part by then
      const first = series.values
        .slice(0, half)
        .map((v, i) => d.update(state, series.timestamps[i] as number, v).score);
      // biome-ignore lint/suspicious/noExplicitAny: the two codecs of the table have different byte types
      const restored = (load as (x: any) => CompositeState)(save(state));
      const second = series.values
        .slice(half)
        .map((v, i) => d.update(restored, series.timestamps[half + i] as number, v).score);
      expect([...first, ...second]).toEqual(straight);
    });
  }

  it('keeps its state bounded: the same size after 10 000 and 40 000 records, about 70 kB encoded', () => {
    const d = compositeDetector();
    const long = dailySeries({ days: 140, perDay: 288, noise: 1 }, seededRandom(5));
    const state = d.init();
    let at10k = 0;
    long.values.forEach((v, i) => {
      d.update(state, long.timestamps[i] as number, v);
      if (i === 9999) at10k = encodeDetectorState(state).length;
    });
    const at40k = encodeDetectorState(state).length;
    expect(at40k).toBeLessThan(at10k * 1.05);
    expect(at40k).toBeLessThan(80_000);
  });

  it('names the bad key of a config', () => {
    expect(() => compositeDetector({ alert: { threshold: 2 } })).toThrow(/detectors\.combined\.alert\.threshold/);
  });
});
