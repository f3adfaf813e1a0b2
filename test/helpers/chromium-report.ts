import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { TruthRecord } from '../../sim/ground-truth.js';
import type { Alarm } from '../../sim/score-alarms.js';

/** Debian's Chromium (scripts/stack/install.sh installs the `chromium` package). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for this machine: no sandbox (root in a container), no GPU, and none of Chromium's own
 * background traffic (component updates, sync, QUIC...), which the closed network refuses and which
 * would show as errors. Playwright adds --headless and an empty --user-data-dir of its own (a new
 * temporary profile per launch; it refuses the flag in `args`).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A field chart as the report page drew it (window.__report.charts, demo/report/browser/draw-report.js). */
export interface DrawnChart {
  deviceId: string;
  field: string;
  /** Points of the series handed to the chart. */
  points: number;
  /** Alarm dots and truth spans drawn in the full-span view. */
  alarmMarks: number;
  truthSpans: number;
  /** Times the chart drew (0: never drawn). */
  draws: number;
}

/** What the page said it drew (window.__report). */
export interface DrawnReport {
  charts: DrawnChart[];
  timeline: { buckets: number; bucketMs: number; alarms: number; injected: number; draws: number } | null;
  errors: string[];
}

/** The outcome of opening a report in headless Chromium. */
export interface ReportInChromium {
  /** document.body.dataset.ready: 'true' once drawn, 'error' if the drawing code failed. */
  ready: string | undefined;
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests to anything but the file itself and data: URLs (a self-contained report makes none). */
  requests: string[];
  report: DrawnReport;
  /** Full-page PNG screenshot. */
  screenshot: string;
}

/**
 * Opens a report file in headless Chromium (playwright-core driving /usr/bin/chromium), waits
 * until its drawing code says it is done, and returns what it drew, the console and page errors,
 * any outside request, and a full-page screenshot (default: a new temporary file).
 *
 * @example
 *   const r = await openReportInChromium(join(runDir, 'report.html'));
 *   expect(r.consoleErrors).toEqual([]);
 */
export async function openReportInChromium(
  file: string,
  options: { screenshot?: string; width?: number; timeoutMs?: number } = {},
): Promise<ReportInChromium> {
  const screenshot = options.screenshot ?? join(mkdtempSync(join(tmpdir(), 'iotp-report-')), 'report.png');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(file).href;
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e.stack ?? e)));
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load', timeout: options.timeoutMs ?? 60_000 });
    await page
      // Expressions as text: they run in the page (this project's TypeScript has no DOM types).
      .waitForFunction('document.body.dataset.ready !== undefined', undefined, {
        timeout: options.timeoutMs ?? 60_000,
      })
      .catch(() => undefined); // reported as ready: undefined
    const ready = (await page.evaluate('document.body.dataset.ready')) as string | undefined;
    const report = ((await page.evaluate('window.__report')) as DrawnReport | undefined) ?? {
      charts: [],
      timeline: null,
      errors: ['window.__report is not set'],
    };
    await page.screenshot({ path: screenshot, fullPage: true });
    return { ready, consoleErrors, pageErrors, requests, report, screenshot };
  } finally {
    await browser.close();
  }
}

/** The `{ data, model }` JSON a report embeds (demo/report/render-report.ts). */
export function reportJson(file: string): {
  data: {
    span: { startTs: number; endTs: number };
    alarms: Alarm[];
    truth: TruthRecord[];
    devices: Array<{ deviceId: string; why: string; alarms: number }>;
    series: Array<{ deviceId: string; field: string; points: Array<[number, number]>; rawPoints: number }>;
  };
} {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file} has no <script id="report-data">`);
  return JSON.parse(m[1] as string);
}

/**
 * The marks each chart must show, worked out here from the truth and the alarms (independently of
 * the report's code): the device's alarms on that field in the span (MISSING alarms, field '', on
 * every field), and the device's injected anomalies on that field or on the whole device (field '').
 */
export function expectedMarks(
  charts: ReadonlyArray<Pick<DrawnChart, 'deviceId' | 'field'>>,
  truth: readonly TruthRecord[],
  alarms: readonly Alarm[],
  span: { startTs: number; endTs: number },
): Array<Pick<DrawnChart, 'deviceId' | 'field' | 'alarmMarks' | 'truthSpans'>> {
  return charts.map(({ deviceId, field }) => ({
    deviceId,
    field,
    alarmMarks: alarms.filter(
      (a) =>
        a.deviceId === deviceId &&
        (a.field === field || a.field === '' || a.kind === 'MISSING') &&
        a.ts >= span.startTs &&
        a.ts <= span.endTs,
    ).length,
    truthSpans: truth.filter((t) => t.deviceId === deviceId && (t.field === field || t.field === '')).length,
  }));
}
