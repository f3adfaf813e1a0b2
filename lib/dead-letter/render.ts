import type { ConsumedRecord } from '../kafka/types.js';
import { deadLetterCoordinates } from './headers.js';
import { previewPayload, safeText } from './preview.js';
import type { ReplayReport } from './replay.js';
import type { DeadLetterCount } from './stats.js';

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '-');

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** The `iotp dlq stats` table: stage, reason, topic, count, first and latest refusal, then the total. */
export function renderStats(rows: DeadLetterCount[], receipts: number): string {
  const lines = table([
    ['STAGE', 'REASON', 'TOPIC', 'COUNT', 'FIRST', 'LAST'],
    ...rows.map((r) => [
      r.stage || '?',
      r.reason || '?',
      safeText(r.topic) || '-',
      String(r.count),
      iso(r.firstMs),
      iso(r.lastMs),
    ]),
  ]);
  const total = rows.reduce((n, r) => n + r.count, 0);
  lines.push(`${total} dead letter(s)${receipts > 0 ? `; ${receipts} replayed earlier (receipts)` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** One dead letter for `iotp dlq show`: where, when, key, headers, and a safe preview of the payload. */
export function renderDeadLetter(record: ConsumedRecord, maxBytes: number): string {
  const preview = previewPayload(record.value, maxBytes);
  const lines = [
    `${deadLetterCoordinates(record)}  ${iso(record.timestamp)}`,
    `  key      ${record.key === null ? '(null)' : safeText(record.key.toString('utf8'))}`,
    ...Object.entries(record.headers)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `  ${safeText(name).padEnd(20)} ${safeText(value)}`),
  ];
  const size = `${preview.size} byte(s)${preview.shown < preview.size ? `, first ${preview.shown} shown` : ''}`;
  if (preview.kind === 'empty') lines.push(`  payload  (${record.value === null ? 'null' : 'empty'})`);
  else
    lines.push(
      `  payload  ${preview.kind === 'hex' ? 'binary, as hex' : 'text'}, ${size}`,
      ...preview.lines.map((l) => `    ${l}`),
    );
  return `${lines.join('\n')}\n`;
}

/** `iotp dlq replay`: one line per dead letter (what goes back where, or why not), then the totals. */
export function renderReplay(report: ReplayReport): string {
  const rows = [['DEAD LETTER', 'STAGE', 'REASON', report.executed ? 'RESULT' : 'PLAN']];
  for (const o of report.outcomes) {
    const what = o.refused
      ? `refused ${o.refused.code}: ${o.refused.why}`
      : o.sent.length === 0
        ? o.stage === 'mqtt-source'
          ? 'through the MQTT source checks again'
          : 'nothing sent'
        : o.sent
            .map((s) =>
              s.reason !== undefined
                ? `dead letter again (${s.reason})`
                : `-> ${s.topic}${s.partition === undefined ? '' : `[${s.partition}]`}`,
            )
            .join(', ');
    rows.push([o.coordinates, o.stage || '?', o.reason || '?', safeText(what)]);
  }
  const lines = table(rows);
  const verb = report.executed ? 'replayed' : 'would be replayed';
  lines.push(
    `${report.selected} selected, ${report.replayed} ${verb}, ${report.refused} refused${report.executed ? '' : ' (dry run: nothing sent; add --execute)'}`,
  );
  return `${lines.join('\n')}\n`;
}
