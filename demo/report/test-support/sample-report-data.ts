import type { TruthRecord } from '../../../sim/ground-truth.js';
import { type Alarm, scoreAlarms } from '../../../sim/score-alarms.js';
import type { Point } from '../downsample.js';
import type { ReportData, ReportSeries } from '../report-data.js';

const MIN = 60_000;

/**
 * A small report for tests that need no server: three environment devices over six hours at one
 * reading a minute, with a spike, a level shift and a dropout injected, alarms for two of them,
 * one false alarm, and a hostile title and device id (HTML and `</script>` in the data).
 */
export function sampleReportData(startTs = Date.UTC(2025, 0, 1)): ReportData {
  const endTs = startTs + 6 * 60 * MIN;
  const devices = ['env-a', 'env-b', 'env-</script><b>c'];
  const fields = ['humidity', 'temperature'];
  const truth: TruthRecord[] = [
    {
      deviceId: 'env-a',
      site: 's1',
      type: 'environment',
      field: 'temperature',
      kind: 'SPIKE',
      startTs: startTs + 100 * MIN,
      endTs: startTs + 100 * MIN,
      readings: 1,
      intervalMs: MIN,
    },
    {
      deviceId: 'env-a',
      site: 's1',
      type: 'environment',
      field: 'humidity',
      kind: 'LEVEL_SHIFT',
      startTs: startTs + 200 * MIN,
      endTs: startTs + 240 * MIN,
      readings: 41,
      intervalMs: MIN,
    },
    {
      deviceId: 'env-b',
      site: 's1',
      type: 'environment',
      field: '',
      kind: 'MISSING',
      startTs: startTs + 300 * MIN,
      endTs: startTs + 310 * MIN,
      readings: 11,
      intervalMs: MIN,
    },
  ];
  const alarms: Alarm[] = [
    { deviceId: 'env-a', field: 'temperature', kind: 'SPIKE', ts: startTs + 100 * MIN },
    { deviceId: 'env-a', field: 'humidity', kind: 'LEVEL_SHIFT', ts: startTs + 203 * MIN },
    { deviceId: 'env-b', field: '', kind: 'MISSING', ts: startTs + 305 * MIN },
    { deviceId: 'env-a', field: 'temperature', kind: 'SPIKE', ts: startTs + 20 * MIN },
  ];
  const series: ReportSeries[] = devices.flatMap((deviceId, d) =>
    fields.map((field, f) => {
      const points: Point[] = [];
      for (let ts = startTs; ts <= endTs; ts += MIN) {
        const missing = truth.some(
          (t) => t.deviceId === deviceId && t.kind === 'MISSING' && ts >= t.startTs && ts <= t.endTs,
        );
        if (missing) continue;
        let v = (f === 0 ? 50 : 21) + d + Math.sin((ts - startTs) / (40 * MIN));
        for (const t of truth)
          if (t.deviceId === deviceId && t.field === field && ts >= t.startTs && ts <= t.endTs)
            v += t.kind === 'SPIKE' ? 12 : 6;
        points.push([ts, Math.round(v * 100) / 100]);
      }
      return { deviceId, type: 'environment', site: 's1', field, points, rawPoints: points.length };
    }),
  );
  return {
    title: 'Sample <run> & "report"',
    generatedAt: endTs + 5 * MIN,
    span: { startTs, endTs },
    score: scoreAlarms(truth, alarms, { span: { startTs, endTs }, devices: devices.length, intervalMs: MIN }),
    truth,
    alarms,
    devices: [
      { deviceId: 'env-a', why: 'most-alarms', alarms: 3 },
      { deviceId: 'env-b', why: 'most-alarms', alarms: 1 },
      { deviceId: 'env-</script><b>c', why: 'random', alarms: 0 },
    ],
    series,
    notes: ['seed 7, 3 devices'],
  };
}
