import { describe, expect, it } from 'vitest';
import { dashboardMetricNames, exposedMetricNames } from './metric-names.js';

describe('metric names', () => {
  it('reads the names a /metrics exposition declares', () => {
    const text =
      '# HELP a_total x\n# TYPE a_total counter\na_total 1\n# TYPE lat_seconds histogram\nlat_seconds_bucket{le="1"} 2\n';
    expect(exposedMetricNames(text)).toEqual(['a_total', 'lat_seconds']);
  });

  it('finds the iotp metrics in dashboard expressions, histograms by their own name', () => {
    const dashboards = [
      {
        panels: [
          { targets: [{ expr: 'histogram_quantile(0.99, sum by (le) (rate(iotp_processing_seconds_bucket[5m])))' }] },
        ],
      },
      {
        panels: [
          { targets: [{ expr: 'sum(iotp_consumer_lag) / 2', refId: 'A' }, { query: 'SELECT iotp_not_prom FROM x' }] },
        ],
      },
    ];
    expect(dashboardMetricNames(dashboards)).toEqual(['iotp_consumer_lag', 'iotp_processing_seconds']);
  });
});
