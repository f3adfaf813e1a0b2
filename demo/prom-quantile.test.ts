import { describe, expect, it } from 'vitest';
import { histogramDelta, histogramQuantile, parseHistogram, readingLatencyHistogram } from './prom-quantile.js';

const text = [
  '# TYPE lat histogram',
  'lat_bucket{le="0.1",component="a"} 10',
  'lat_bucket{le="0.5",component="a"} 60',
  'lat_bucket{le="1",component="a"} 90',
  'lat_bucket{le="+Inf",component="a"} 100',
  'lat_bucket{component="b",le="0.1"} 0',
  'lat_bucket{component="b",le="0.5"} 0',
  'lat_bucket{component="b",le="1"} 0',
  'lat_bucket{component="b",le="+Inf"} 0',
  'lat_sum{component="a"} 40',
  'other_bucket{le="0.1"} 999',
].join('\n');

describe('histogram quantiles', () => {
  it('sums label sets and sorts the buckets', () => {
    expect(parseHistogram(text, 'lat')).toEqual([
      { le: 0.1, count: 10 },
      { le: 0.5, count: 60 },
      { le: 1, count: 90 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ]);
  });

  it('interpolates linearly inside the bucket holding the rank, like histogram_quantile', () => {
    const b = parseHistogram(text, 'lat');
    expect(histogramQuantile(b, 0.5)).toBeCloseTo(0.1 + 0.4 * (40 / 50), 9); // rank 50 in (0.1, 0.5]
    expect(histogramQuantile(b, 0.05)).toBeCloseTo(0.05, 9); // rank 5 in (0, 0.1]
    expect(histogramQuantile(b, 0.9)).toBeCloseTo(1, 9);
    expect(histogramQuantile(b, 0.99)).toBe(1); // in +Inf: the last finite bound
  });

  it('keeps only the label sets asked for', () => {
    expect(parseHistogram(text, 'lat', (labels) => labels.includes('component="b"'))).toEqual([
      { le: 0.1, count: 0 },
      { le: 0.5, count: 0 },
      { le: 1, count: 0 },
      { le: Number.POSITIVE_INFINITY, count: 0 },
    ]);
  });

  it('is undefined when nothing was observed', () => {
    expect(histogramQuantile(parseHistogram('', 'lat'), 0.5)).toBeUndefined();
  });
});

describe('histogramDelta', () => {
  it('subtracts an earlier scrape bound by bound', () => {
    const before = [
      { le: 0.5, count: 10 },
      { le: 1, count: 20 },
      { le: Number.POSITIVE_INFINITY, count: 21 },
    ];
    const after = [
      { le: 0.5, count: 12 },
      { le: 1, count: 40 },
      { le: Number.POSITIVE_INFINITY, count: 45 },
    ];
    expect(histogramDelta(before, after)).toEqual([
      { le: 0.5, count: 2 },
      { le: 1, count: 20 },
      { le: Number.POSITIVE_INFINITY, count: 24 },
    ]);
    expect(histogramDelta([], after)).toEqual(after);
  });
});

describe('readingLatencyHistogram', () => {
  it('keeps the reading topics only', () => {
    const metrics = [
      'iotp_end_to_end_latency_seconds_bucket{topic="telemetry.environment",le="1"} 3',
      'iotp_end_to_end_latency_seconds_bucket{topic="telemetry.environment",le="+Inf"} 4',
      'iotp_end_to_end_latency_seconds_bucket{topic="telemetry.environment.agg.1m",le="1"} 0',
      'iotp_end_to_end_latency_seconds_bucket{topic="telemetry.environment.agg.1m",le="+Inf"} 9',
    ].join('\n');
    expect(readingLatencyHistogram(metrics, ['telemetry.environment'])).toEqual([
      { le: 1, count: 3 },
      { le: Number.POSITIVE_INFINITY, count: 4 },
    ]);
  });
});
