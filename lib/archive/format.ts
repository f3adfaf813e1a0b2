/** How `iotp archive query` prints a result. */
export type OutputFormat = 'table' | 'csv' | 'json';

const text = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

function csvCell(v: unknown): string {
  const s = text(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A result as an aligned text table, CSV (RFC 4180, header row) or JSON (an array of objects). Pure.
 *
 * @example
 *   formatResult(['n'], [{ n: '3' }], 'csv') // 'n\n3\n'
 */
export function formatResult(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  format: OutputFormat,
): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') {
    const lines = [columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))];
    return `${lines.join('\n')}\n`;
  }
  const cells = rows.map((r) => columns.map((c) => (r[c] === null ? 'NULL' : text(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const out = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}
