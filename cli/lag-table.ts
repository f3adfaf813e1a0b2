import type { LagRow } from '../lib/kafka/group-lag-snapshot.js';

function formatSeconds(s: number | undefined): string {
  if (s === undefined) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${(s / 60).toFixed(1)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}

/** The `iotp lag` table: one line per partition, then one total line per group. */
export function renderLagTable(rows: LagRow[]): string {
  const header = ['GROUP', 'TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'LAG(TIME)'];
  const lines: string[][] = [header];
  const totals = new Map<string, number>();
  for (const r of rows) {
    lines.push([
      r.group,
      r.topic,
      String(r.partition),
      r.committed ?? '-',
      r.high,
      String(r.lag),
      formatSeconds(r.lagSeconds),
    ]);
    totals.set(r.group, (totals.get(r.group) ?? 0) + r.lag);
  }
  for (const [group, total] of totals) lines.push([group, '(total)', '', '', '', String(total), '']);
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const out = lines.map((l) =>
    l
      .map((cell, i) => (i >= 2 && i <= 5 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
  if (rows.length === 0) out.push('(no consumer group has committed offsets)');
  return `${out.join('\n')}\n`;
}
