import { describe, expect, it } from 'vitest';
import { pageModel } from './page-model.js';
import { sampleReportData } from './test-support/sample-report-data.js';

describe('pageModel', () => {
  const data = sampleReportData();
  const model = pageModel(data);
  const chart = (deviceId: string, field: string) =>
    model.devices.find((d) => d.deviceId === deviceId)?.charts.find((c) => c.field === field);

  it('puts each field alarm on its field, on the reading at its time', () => {
    const t = chart('env-a', 'temperature');
    expect(t?.alarms).toEqual([
      [data.span.startTs + 100 * 60_000, expect.any(Number), 'SPIKE'],
      [data.span.startTs + 20 * 60_000, expect.any(Number), 'SPIKE'],
    ]);
    const series = data.series[t?.series ?? -1];
    const spike = series?.points.find(([ts]) => ts === data.span.startTs + 100 * 60_000);
    expect(t?.alarms[0]?.[1]).toBe(spike?.[1]);
    expect(t?.truth).toEqual([[data.span.startTs + 100 * 60_000, data.span.startTs + 100 * 60_000, 'SPIKE']]);
    expect(chart('env-a', 'humidity')?.truth.map((x) => x[2])).toEqual(['LEVEL_SHIFT']);
  });

  it("puts a whole device's anomalies and alarms (MISSING) on every field of it", () => {
    for (const field of ['humidity', 'temperature']) {
      expect(chart('env-b', field)?.truth.map((x) => x[2])).toEqual(['MISSING']);
      expect(chart('env-b', field)?.alarms.map((x) => x[2])).toEqual(['MISSING']);
    }
  });

  it('describes each device and counts the timeline', () => {
    expect(
      model.devices.map((d) => [d.deviceId, d.why, d.type, d.site, d.alarms, d.injected, d.charts.length]),
    ).toEqual([
      ['env-a', 'most-alarms', 'environment', 's1', 3, 2, 2],
      ['env-b', 'most-alarms', 'environment', 's1', 1, 1, 2],
      ['env-</script><b>c', 'random', 'environment', 's1', 0, 0, 2],
    ]);
    expect(model.timeline.bucketMs).toBe(5 * 60_000);
    expect(model.timeline.alarms.reduce((a, b) => a + b)).toBe(4);
    expect(model.timeline.injected.reduce((a, b) => a + b)).toBe(3);
    expect(model.kinds).toEqual(['LEVEL_SHIFT', 'MISSING', 'SPIKE']);
  });
});
