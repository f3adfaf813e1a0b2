/**
 * `make demo` in short mode on the real stack: every stage runs as its own process, the swarm's
 * readings all reach InfluxDB (zero losses), windows are aggregated and written, and the malformed
 * payloads the simulator injected are exactly the dead letters. (The demo uses the pipeline's own
 * topics and groups: it is the one test that runs the configuration a user runs.)
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dashboardMetricNames } from '../../demo/metric-names.js';
import type { DemoSummary } from '../../demo/summary.js';
import { influxQl } from '../../lib/influx/influxql-client.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { EXPECTED_DEAD_LETTER_REASON, type MalformedVariant } from '../../sim/anomaly-kinds.js';
import { parseTruthLines } from '../../sim/ground-truth.js';
import { expectedMarks, openReportInChromium, reportJson } from '../helpers/chromium-report.js';
import { expectDashboardsReturnData } from '../helpers/dashboard-queries.js';
import { stackEnv } from '../helpers/stack.js';

const run = promisify(execFile);

describe('make demo (short mode)', () => {
  it('runs to the end with zero losses', { timeout: 600_000 }, async () => {
    const { stdout } = await run(
      join(repoRoot, 'bin', 'iotp'),
      [
        'demo',
        // A short history (the detectors stay cold: detection quality is bench/detect-live/detection-targets.test.ts's)
        '--history',
        '1h',
        '--interval',
        '1m',
        '--anomaly-warmup',
        '30m',
        '--seconds',
        '15',
        '--devices',
        '100',
        '--rate',
        '200',
        '--anomaly-rate',
        '40',
        '--seed',
        '11',
        '--json',
      ],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, timeout: 580_000 },
    );
    const s = JSON.parse(stdout.trim().split('\n').pop()!) as DemoSummary;

    expect(s.simulation.readings.acked).toBe(s.simulation.readings.sent);
    expect(s.expectedRaw).toBeGreaterThan(2000);
    expect(s.lost).toBe(0);
    expect(s.rawPoints).toBe(s.expectedRaw); // InfluxDB holds each reading once
    expect(s.inKafka).toBeGreaterThanOrEqual(s.expectedRaw);
    expect(s.aggregated).toBeGreaterThan(0);
    expect((s.inInflux.environment_1m ?? 0) + (s.inInflux.power_1m ?? 0)).toBeGreaterThan(0);
    // The archive (iotp sink parquet) holds every well-formed reading: as many as InfluxDB.
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    expect(s.archived.caughtUp).toBe(true);
    expect(sum(s.archived.readings)).toBe(s.rawPoints);
    expect(sum(s.archived.rows)).toBeGreaterThanOrEqual(sum(s.archived.readings));
    // Enrichment (issue 16): the run's devices registered, their readings enriched, per-site views in InfluxDB.
    expect(s.enrichment.registered).toBeGreaterThan(0);
    expect(s.enrichment.enriched).toBeGreaterThanOrEqual(s.expectedRaw);
    expect(Object.entries(s.enrichment.fleetPoints).filter(([m, n]) => m.endsWith('_by_site') && n > 0).length).toBe(2);
    // Commands to devices: every command the demo sent was published by the MQTT sink and answered by
    // its device through the source's command-status route (demo/command-round-trip.ts).
    expect(s.commands?.sent).toBeGreaterThan(0);
    expect(s.commands?.answered).toBe(s.commands?.sent);
    expect(s.commands?.byStatus).toEqual({ DONE: (s.commands?.sent ?? 0) - 1, REJECTED: 1 });

    const truth = parseTruthLines(readFileSync(join(s.runDir, 'truth.jsonl'), 'utf8'));
    const malformed = truth.filter((t) => t.kind === 'MALFORMED');
    expect(malformed.length).toBe(s.simulation.readings.malformed);
    const expectedReasons: Record<string, number> = {};
    for (const m of malformed) {
      const reason = EXPECTED_DEAD_LETTER_REASON[m.variant as MalformedVariant];
      expectedReasons[reason] = (expectedReasons[reason] ?? 0) + 1;
    }
    expect(s.deadLetters).toEqual(expectedReasons);

    // every metric a Grafana panel queries is exposed by some worker of the pipeline
    const dashboards = readdirSync(join(repoRoot, 'grafana', 'dashboards')).map((f) =>
      JSON.parse(readFileSync(join(repoRoot, 'grafana', 'dashboards', f), 'utf8')),
    );
    const exposed = new Set(Object.values(s.metricNames).flat());
    const used = dashboardMetricNames(dashboards);
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((m) => !exposed.has(m))).toEqual([]);

    // and every InfluxDB panel of every dashboard returns data from this end-to-end run
    const env = stackEnv();
    const [username, password] = env.INFLUX_TOKEN!.split(':');
    const influx = influxQl({ url: env.INFLUX_URL!, database: env.INFLUX_DB!, username, password });
    const window = { fromMs: s.simulation.startTs - 5 * 60_000, toMs: Date.now(), intervalMs: 60_000 };
    const checked = await expectDashboardsReturnData(
      async (q) => (await influx.query(q)).series,
      window,
      () => ({}),
    );
    expect(checked).toBeGreaterThan(30);

    // the run's HTML report (demo/report): opens offline in headless Chromium with no error, draws
    // every chart, and marks on each chart the alarms and the injected anomalies of its device
    const reportFile = join(s.runDir, 'report.html');
    const report = reportJson(reportFile).data;
    const page = await openReportInChromium(reportFile, { screenshot: join(s.runDir, 'report.png') });
    expect(page.ready).toBe('true');
    expect(page.consoleErrors).toEqual([]);
    expect(page.pageErrors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.report.errors).toEqual([]);
    expect(report.truth).toHaveLength(truth.length);
    expect(report.alarms).toHaveLength(s.detection.overall.alarms + s.detection.overall.alarmsOutsideSpan);
    const alarmsOf = (id: string) => report.alarms.filter((a) => a.deviceId === id).length;
    const most = report.devices.filter((d) => d.why === 'most-alarms');
    expect(most.length).toBeGreaterThan(0);
    expect(report.devices.filter((d) => d.why === 'random').length).toBeGreaterThan(0);
    const counts = [...new Set(report.alarms.map((a) => a.deviceId))].map(alarmsOf).sort((a, b) => b - a);
    expect(most.map((d) => alarmsOf(d.deviceId))).toEqual(counts.slice(0, most.length));
    expect(page.report.charts.map((c) => `${c.deviceId}/${c.field}`).sort()).toEqual(
      report.series.map((c) => `${c.deviceId}/${c.field}`).sort(),
    );
    for (const d of report.devices) expect(report.series.some((c) => c.deviceId === d.deviceId)).toBe(true);
    for (const c of page.report.charts) expect(c.draws, `${c.deviceId}/${c.field}`).toBeGreaterThan(0);
    expect(
      page.report.charts.map(({ deviceId, field, alarmMarks, truthSpans }) => ({
        deviceId,
        field,
        alarmMarks,
        truthSpans,
      })),
    ).toEqual(expectedMarks(page.report.charts, truth, report.alarms, report.span));
    const inSpan = (ts: number) => ts >= report.span.startTs && ts <= report.span.endTs;
    expect(page.report.timeline).toMatchObject({
      alarms: report.alarms.filter((a) => inSpan(a.ts)).length,
      injected: truth.filter((t) => t.kind !== 'MALFORMED' && inSpan(t.startTs)).length,
    });
  });
});
