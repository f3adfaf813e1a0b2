/**
 * The demo's HTML report end to end, without the demo: readings written into a database of this
 * test's own on the stack's InfluxDB (dropped at the end), ground truth and alarms made here, the
 * report data collected with InfluxQL, rendered, and opened in headless Chromium: it draws every
 * chart with no console error and no network request, and the marks it draws are the alarms and
 * injected anomalies of each chart's device.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectReportData } from '../../demo/report/collect-report-data.js';
import { writeReport } from '../../demo/report/write-report.js';
import { influxQl } from '../../lib/influx/influxql-client.js';
import type { TruthRecord } from '../../sim/ground-truth.js';
import { type Alarm, scoreAlarms } from '../../sim/score-alarms.js';
import { expectedMarks, openReportInChromium, reportJson } from '../helpers/chromium-report.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 1);
const SPAN = { startTs: T0, endTs: T0 + 360 * MIN };
const at = (minute: number) => T0 + minute * MIN;

const FIELDS: Record<string, string[]> = {
  environment: ['temperature', 'humidity', 'pressure'],
  power: ['voltage', 'current', 'power', 'energy'],
};
const DEVICES = [
  { deviceId: 'env-00', type: 'environment', intervalMs: 5000 }, // 4321 readings a field: downsampled
  ...['env-01', 'env-02', 'env-03', 'env-04', 'env-05'].map((deviceId) => ({
    deviceId,
    type: 'environment',
    intervalMs: MIN,
  })),
  ...['pow-00', 'pow-01', 'pow-02', 'pow-03'].map((deviceId) => ({ deviceId, type: 'power', intervalMs: MIN })),
];

function truthRecord(deviceId: string, field: string, kind: TruthRecord['kind'], from: number, to = from): TruthRecord {
  const device = DEVICES.find((d) => d.deviceId === deviceId)!;
  return {
    deviceId,
    site: 'site-01',
    type: device.type,
    field,
    kind,
    startTs: at(from),
    endTs: at(to),
    readings: Math.round(((to - from) * MIN) / device.intervalMs) + 1,
    intervalMs: device.intervalMs,
  };
}

const TRUTH: TruthRecord[] = [
  truthRecord('env-00', 'temperature', 'SPIKE', 60),
  truthRecord('env-00', 'humidity', 'LEVEL_SHIFT', 120, 150),
  truthRecord('env-00', 'pressure', 'NOISE_BURST', 200, 220),
  truthRecord('env-01', 'temperature', 'DIP', 90),
  truthRecord('env-01', '', 'MISSING', 240, 255),
  truthRecord('env-02', 'humidity', 'DRIFT', 100, 130),
  truthRecord('env-02', 'pressure', 'STUCK', 300, 330),
  truthRecord('env-03', 'temperature', 'STUCK', 50, 70), // missed
  truthRecord('pow-00', 'power', 'SPIKE', 45),
  truthRecord('pow-00', 'voltage', 'LEVEL_SHIFT', 150, 190),
  { ...truthRecord('pow-00', 'current', 'MALFORMED', 200), variant: 'nan-string' },
  truthRecord('pow-01', 'current', 'DIP', 80),
];

const alarm = (deviceId: string, field: string, kind: string, minute: number): Alarm => ({
  deviceId,
  field,
  kind,
  ts: at(minute),
});
const ALARMS: Alarm[] = [
  alarm('env-00', 'temperature', 'SPIKE', 60),
  alarm('env-00', 'humidity', 'LEVEL_SHIFT', 121),
  alarm('env-00', 'pressure', 'SPIKE', 203),
  alarm('env-00', 'temperature', 'SPIKE', 20), // false
  alarm('env-01', 'temperature', 'DIP', 90),
  alarm('env-01', '', 'MISSING', 241),
  alarm('env-01', 'humidity', 'LEVEL_SHIFT', 330), // false
  alarm('env-02', 'humidity', 'LEVEL_SHIFT', 128),
  alarm('env-02', 'pressure', 'STUCK', 310),
  alarm('pow-00', 'power', 'SPIKE', 45),
  alarm('pow-00', 'voltage', 'LEVEL_SHIFT', 151),
  alarm('pow-01', 'current', 'DIP', 80),
];

/** A reading's value: a daily-ish wave, a little deterministic noise, and the injected anomaly if any. */
function value(deviceId: string, field: string, f: number, ts: number, i: number): number {
  const base = [21, 45, 1013, 230][f] ?? 10;
  let v = base + (base / 40) * Math.sin((ts - T0) / (90 * MIN) + f) + Math.sin(i * 12.9898 + f) * 0.05 * (1 + f);
  for (const t of TRUTH) {
    if (t.deviceId !== deviceId || t.field !== field || ts < t.startTs || ts > t.endTs) continue;
    const progress = t.endTs > t.startTs ? (ts - t.startTs) / (t.endTs - t.startTs) : 1;
    if (t.kind === 'SPIKE') v += base * 0.5;
    if (t.kind === 'DIP') v -= base * 0.4;
    if (t.kind === 'LEVEL_SHIFT') v += base * 0.1;
    if (t.kind === 'DRIFT') v += base * 0.15 * progress;
    if (t.kind === 'NOISE_BURST') v += Math.sin(i * 78.233) * base * 0.01;
    if (t.kind === 'STUCK') v = base;
  }
  return Math.round(v * 100) / 100;
}

function lineProtocol(): string[] {
  const lines: string[] = [];
  for (const d of DEVICES) {
    const fields = FIELDS[d.type]!;
    for (let ts = SPAN.startTs, i = 0; ts <= SPAN.endTs; ts += d.intervalMs, i++) {
      if (TRUTH.some((t) => t.deviceId === d.deviceId && t.kind === 'MISSING' && ts >= t.startTs && ts <= t.endTs))
        continue;
      const values = fields.map((f, k) => `${f}=${value(d.deviceId, f, k, ts, i)}`).join(',');
      lines.push(`${d.type},deviceId=${d.deviceId},site=site-01 ${values} ${ts}`);
    }
  }
  // A device of another run, before this one's span: not one of the run's devices.
  lines.push(
    `environment,deviceId=old-00,site=site-01 temperature=20,humidity=40,pressure=1000 ${SPAN.startTs - 60 * MIN}`,
  );
  return lines;
}

describe('demo report (InfluxDB -> HTML -> headless Chromium)', () => {
  it(
    'draws every chosen device field with its alarms and injected anomalies, offline and error-free',
    { timeout: 240_000 },
    async ({ onTestFinished }) => {
      const env = stackEnv();
      const database = `iotp_${uniqueName('report').replace(/-/g, '_')}`;
      const access = { url: env.INFLUX_URL!, username: env.INFLUX_USERNAME, password: env.INFLUX_PASSWORD };
      const admin = influxQl({ ...access, database: 'telemetry' });
      await admin.query(`CREATE DATABASE "${database}"`);
      onTestFinished(async () => {
        await admin.query(`DROP DATABASE "${database}"`);
      });
      const lines = lineProtocol();
      const auth = `Basic ${Buffer.from(`${access.username}:${access.password}`).toString('base64')}`;
      for (let i = 0; i < lines.length; i += 5000) {
        const res = await fetch(`${access.url}/write?db=${database}&precision=ms`, {
          method: 'POST',
          headers: { authorization: auth },
          body: lines.slice(i, i + 5000).join('\n'),
        });
        expect(res.status, await res.text()).toBe(204);
      }

      const influx = influxQl({ ...access, database });
      const score = scoreAlarms(TRUTH, ALARMS, { span: SPAN, devices: DEVICES.length, intervalMs: MIN });
      const data = await collectReportData({
        influx,
        measurements: ['environment', 'power'],
        title: 'iotp report test',
        span: SPAN,
        score,
        truth: TRUTH,
        alarms: ALARMS,
        seed: 7,
        notes: ['synthetic run: 10 devices, 6 h'],
      });

      // the devices: the 4 most alarmed, then 4 of the other 6 devices of the run (not old-00)
      expect(data.devices.slice(0, 4)).toEqual([
        { deviceId: 'env-00', why: 'most-alarms', alarms: 4 },
        { deviceId: 'env-01', why: 'most-alarms', alarms: 3 },
        { deviceId: 'env-02', why: 'most-alarms', alarms: 2 },
        { deviceId: 'pow-00', why: 'most-alarms', alarms: 2 },
      ]);
      const random = data.devices.slice(4).map((d) => d.deviceId);
      expect(random).toHaveLength(4);
      for (const id of random) expect(['env-03', 'env-04', 'env-05', 'pow-01', 'pow-02', 'pow-03']).toContain(id);
      // every numeric field of every chosen device, the dense one downsampled with its alarm readings kept
      expect(data.series.map((s) => `${s.deviceId}/${s.field}`).sort()).toEqual(
        data.devices
          .flatMap((d) =>
            FIELDS[d.deviceId.startsWith('env') ? 'environment' : 'power']!.map((f) => `${d.deviceId}/${f}`),
          )
          .sort(),
      );
      const dense = data.series.find((s) => s.deviceId === 'env-00' && s.field === 'temperature')!;
      expect(dense.rawPoints).toBe(4321);
      expect(dense.points.length).toBeLessThanOrEqual(2000);
      for (const ts of [at(60), at(20)]) expect(dense.points.some(([t]) => t === ts)).toBe(true);
      expect(Math.max(...dense.points.map(([, v]) => v))).toBeGreaterThan(30); // the spike survived
      const gap = data.series.find((s) => s.deviceId === 'env-01' && s.field === 'humidity')!;
      expect(gap.rawPoints).toBe(361 - 16); // the MISSING readings were never written

      const file = writeReport(mkdtempSync(join(tmpdir(), 'iotp-report-test-')), data);
      expect(reportJson(file).data).toEqual(data);
      const page = await openReportInChromium(file);
      console.log(`report ${file} (${Math.round(statSync(file).size / 1024)} KiB), screenshot ${page.screenshot}`);

      expect(page.ready).toBe('true');
      expect(page.consoleErrors).toEqual([]);
      expect(page.pageErrors).toEqual([]);
      expect(page.requests).toEqual([]);
      expect(page.report.errors).toEqual([]);
      // every chart drew, one per series, with the marks of its device
      expect(page.report.charts.map((c) => `${c.deviceId}/${c.field}`).sort()).toEqual(
        data.series.map((s) => `${s.deviceId}/${s.field}`).sort(),
      );
      for (const c of page.report.charts) expect(c.draws, `${c.deviceId}/${c.field}`).toBeGreaterThan(0);
      const drawn = page.report.charts.map(({ deviceId, field, alarmMarks, truthSpans }) => ({
        deviceId,
        field,
        alarmMarks,
        truthSpans,
      }));
      expect(drawn).toEqual(expectedMarks(page.report.charts, TRUTH, ALARMS, SPAN));
      // each chosen device's alarms and injected anomalies are all on its charts
      for (const d of data.devices) {
        const charts = drawn.filter((c) => c.deviceId === d.deviceId);
        const fields = new Set(charts.map((c) => c.field));
        expect(
          ALARMS.filter((a) => a.deviceId === d.deviceId).every((a) => a.field === '' || fields.has(a.field)),
        ).toBe(true);
        expect(TRUTH.filter((t) => t.deviceId === d.deviceId).every((t) => t.field === '' || fields.has(t.field))).toBe(
          true,
        );
      }
      expect(drawn.find((c) => c.deviceId === 'env-00' && c.field === 'temperature')).toMatchObject({
        alarmMarks: 2,
        truthSpans: 1,
      });
      expect(drawn.find((c) => c.deviceId === 'env-01' && c.field === 'pressure')).toMatchObject({
        alarmMarks: 1,
        truthSpans: 1,
      }); // MISSING
      // the timeline counts every alarm and every scored anomaly
      expect(page.report.timeline).toMatchObject({
        alarms: ALARMS.length,
        injected: TRUTH.length - 1,
        bucketMs: 5 * MIN,
      });
      expect(statSync(page.screenshot).size).toBeGreaterThan(10_000);
    },
  );
});
