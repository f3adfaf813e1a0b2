import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TallyHistogram } from './tally-histogram.js';

const sample = (values: Array<{ labels: Record<string, unknown>; value: number; metricName?: string }>, name: string) =>
  values.filter((v) => v.metricName === name);

describe('TallyHistogram', () => {
  it('an unlabelled histogram sees every recorded value when read, and observe still counts', async () => {
    const registry = new Registry();
    const h = new TallyHistogram({ name: 't_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] });
    h.record(0.05);
    h.record(0.5);
    h.record(5);
    h.observe(0.05);
    const { values } = await h.get();
    expect(sample(values, 't_seconds_count')[0]?.value).toBe(4);
    expect(sample(values, 't_seconds_sum')[0]?.value).toBeCloseTo(5.6);
    const buckets = sample(values, 't_seconds_bucket').map((v) => [v.labels.le, v.value]);
    expect(buckets).toEqual([
      [0.1, 2],
      [1, 3],
      ['+Inf', 4],
    ]);
    h.record(0.05);
    expect(sample((await h.get()).values, 't_seconds_count')[0]?.value).toBe(5);
    expect(await registry.metrics()).toContain('t_seconds_count 5');
  });

  it('one label: each value its own series', async () => {
    const h = new TallyHistogram({ name: 'l_seconds', help: 'h', labelNames: ['topic'], buckets: [1], registers: [] });
    h.record(0.5, 'a');
    h.record(2, 'b');
    h.record(0.5, 'a');
    const counts = sample((await h.get()).values, 'l_seconds_count').map((v) => [v.labels.topic, v.value]);
    expect(counts.sort()).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('refuses two labels', () => {
    expect(() => new TallyHistogram({ name: 'x', help: 'h', labelNames: ['a', 'b'], registers: [] })).toThrow();
  });
});
