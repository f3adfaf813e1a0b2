import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TallyHistogram } from './tally-histogram.js';

describe('TallyHistogram', () => {
  it('exposes exactly what observe would have, recorded values and observed ones together', async () => {
    const buckets = [0.001, 0.01, 0.1, 1];
    const a = new Registry();
    const b = new Registry();
    const tally = new TallyHistogram({ name: 'lat_seconds', help: 'h', buckets, registers: [a] });
    const plain = new Histogram({ name: 'lat_seconds', help: 'h', buckets, registers: [b] });
    const values = [0.0005, 0.001, 0.002, 0.05, 0.1, 0.7, 3, 42];
    for (const v of values) {
      tally.record(v);
      plain.observe(v);
    }
    tally.observe(0.02);
    plain.observe(0.02);
    expect(await a.metrics()).toBe(await b.metrics());
    // Read twice: nothing counted twice; values recorded after a read come in the next one.
    tally.record(0.5);
    plain.observe(0.5);
    expect(await a.metrics()).toBe(await b.metrics());
    expect(await a.metrics()).toBe(await b.metrics());
    expect((await tally.get()).values.find((v) => v.metricName === 'lat_seconds_count')?.value).toBe(values.length + 2);
  });
});
