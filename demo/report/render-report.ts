import { readFileSync } from 'node:fs';
import { chartLibrary } from './chart-library.js';
import { detectionTable } from './detection-table.js';
import { escapeHtml, jsonForScript } from './html.js';
import { type DeviceModel, pageModel } from './page-model.js';
import type { ReportData } from './report-data.js';
import { REPORT_CSS } from './report-style.js';

const DRAW_SCRIPT = readFileSync(new URL('./browser/draw-report.js', import.meta.url), 'utf8');

const utc = (ts: number) =>
  new Date(ts)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 10) / 10} h`;

function deviceSection(d: DeviceModel): string {
  const why = d.why === 'most-alarms' ? 'most alarms' : 'random';
  return `<section class="device" data-device="${escapeHtml(d.deviceId)}">
<header><h3><code>${escapeHtml(d.deviceId)}</code></h3><span class="badge ${d.why}">${why}</span><span>${escapeHtml(d.type)} · ${escapeHtml(d.site)}</span><span>${d.alarms} alarm${d.alarms === 1 ? '' : 's'} · ${d.injected} injected anomal${d.injected === 1 ? 'y' : 'ies'}</span></header>
<div class="charts"></div>
</section>`;
}

/**
 * The whole report as one self-contained HTML page: inline CSS, the charting library inlined
 * (chart-library.ts), the data as JSON in `<script type="application/json" id="report-data">`
 * (`{ data: ReportData, model: PageModel }`) and the drawing code (browser/draw-report.js). A
 * Content-Security-Policy forbids every network request, so it opens (and stays) offline.
 */
export function renderReport(data: ReportData): string {
  const lib = chartLibrary();
  const model = pageModel(data);
  const most = model.devices.filter((d) => d.why === 'most-alarms').length;
  const random = model.devices.length - most;
  const span = `${utc(data.span.startTs)} to ${utc(data.span.endTs)} (${hours(data.span.endTs - data.span.startTs)} of event time)`;
  const bucket =
    model.timeline.bucketMs >= 3_600_000
      ? `${model.timeline.bucketMs / 3_600_000} h`
      : `${model.timeline.bucketMs / 60_000} min`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(data.title)}</title>
<style>${lib.css}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(data.title)}</h1>
<p class="meta">Run: ${span}, ${data.score.span.devices} devices. Report generated ${utc(data.generatedAt)}. Times in UTC.</p>
${(data.notes ?? []).map((n) => `<p class="meta">${escapeHtml(n)}</p>`).join('\n')}

<h2>Detection: injected anomalies found by the pipeline</h2>
${detectionTable(data.score)}

<h2>Alarms over time</h2>
<p>Alarms the pipeline raised (each incident once, at its event time) and anomalies injected (by start; MALFORMED payloads are dead-lettered, not scored, and not counted), per ${bucket} of event time.</p>
<div id="timeline"></div>

<h2>Devices</h2>
<p>${most} device${most === 1 ? '' : 's'} with the most alarms and ${random} drawn at random: each numeric field as stored in InfluxDB${data.series.some((s) => s.points.length < s.rawPoints) ? ' (long series thinned to their extremes, keeping every reading at an alarm or anomaly)' : ''}. Drag across a chart to zoom, double-click to reset; hovering names the alarms and anomalies under the cursor.</p>
<div class="legend" id="kind-legend"><span><span class="dot"></span> alarm raised by the pipeline</span><span>shaded: injected anomaly (ground truth), by kind:</span></div>
<div id="devices">
${model.devices.map(deviceSection).join('\n')}
</div>
<footer>Charts drawn with ${lib.name} ${escapeHtml(lib.version)} (MIT licence), inlined in this file: it needs no network.</footer>
</main>
<script>${lib.script}</script>
<script type="application/json" id="report-data">${jsonForScript({ data, model })}</script>
<script>${DRAW_SCRIPT}</script>
</body>
</html>
`;
}
