import type { AlarmScore, KindScore } from '../../sim/score-alarms.js';
import { escapeHtml } from './html.js';

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
const num = (x: number | null) => (x === null ? 'n/a' : String(Math.round(x * 100) / 100));
const utc = (ts: number) =>
  new Date(ts)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

function row(label: string, k: KindScore, cls = ''): string {
  const cells = [k.injected, k.detected, pct(k.recall), k.alarmsInWindows, num(k.alarmsPerDetected)];
  return `<tr${cls ? ` class="${cls}"` : ''}><th scope="row">${escapeHtml(label)}</th>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

/**
 * The detection table of a score (sim/score-alarms.ts), as HTML: one row per injected kind and the
 * overall row (injected, detected, recall, alarms in the anomalies' windows, alarms per detected
 * anomaly), then the false alarms (count, per 100 device-hours, by alarm kind), the window rule and
 * the anomalies missed.
 */
export function detectionTable(score: AlarmScore): string {
  const o = score.overall;
  const kinds = Object.keys(score.byKind).sort();
  const byKind = Object.entries(score.falseAlarmsByKind)
    .sort(([, a], [, b]) => b - a)
    .map(([k, n]) => `${escapeHtml(k)} ${n}`)
    .join(', ');
  const missed = score.missed
    .map(
      (m) =>
        `<li><code>${escapeHtml(m.deviceId)}</code> ${escapeHtml(m.field || '(device)')} ${escapeHtml(m.kind)} at ${utc(m.startTs)}</li>`,
    )
    .join('');
  return `<table class="score" id="detection-table">
<thead><tr><th scope="col">kind</th><th scope="col">injected</th><th scope="col">detected</th><th scope="col">recall</th><th scope="col">alarms in windows</th><th scope="col">alarms per detected</th></tr></thead>
<tbody>${kinds.map((k) => row(k, score.byKind[k] as KindScore)).join('\n')}
${row('overall', o, 'overall')}</tbody>
</table>
<dl class="facts" id="false-alarms">
<dt>false alarms</dt><dd><b>${o.falseAlarms}</b> of ${o.alarms} alarms${byKind ? ` (${byKind})` : ''}</dd>
<dt>false alarms per 100 device-hours</dt><dd><b>${num(o.falseAlarmsPer100DeviceHours)}</b> over ${num(score.span.deviceHours)} device-hours (${score.span.devices} devices, ${utc(score.span.startTs)} to ${utc(score.span.endTs)})</dd>
${o.alarmsOutsideSpan > 0 ? `<dt>alarms outside the span</dt><dd>${o.alarmsOutsideSpan} (not scored)</dd>` : ''}
<dt>detection window</dt><dd>${escapeHtml(score.window.rule)}; an anomaly is detected when an alarm of the same device and field (MISSING: of the device) falls in its window.</dd>
</dl>
${missed ? `<details><summary>${score.missed.length} anomal${score.missed.length === 1 ? 'y' : 'ies'} missed${score.missed.length < o.injected - o.detected ? ` (first ${score.missed.length} of ${o.injected - o.detected})` : ''}</summary><ul class="missed">${missed}</ul></details>` : ''}`;
}
