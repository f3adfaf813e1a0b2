import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { IotpError } from '../../lib/errors.js';

/** A NAB-style CSV read into columns: `header` names, `rows` as raw cell strings per column. */
export interface NabCsv {
  header: string[];
  columns: string[][];
}

/** Reads a small comma-separated file with a header row (`.gz` is gunzipped); no quoting. */
export function readNabCsv(path: string): NabCsv {
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const first = lines[0];
  if (first === undefined) throw new IotpError('NAB_EMPTY_CSV', `no header row in ${path}`);
  const header = first.split(',').map((h) => h.trim());
  const columns: string[][] = header.map(() => []);
  for (let i = 1; i < lines.length; i++) {
    const cells = (lines[i] as string).split(',');
    if (cells.length !== header.length) {
      throw new IotpError('NAB_BAD_ROW', `${path}:${i + 1} has ${cells.length} cells, header has ${header.length}`);
    }
    for (let c = 0; c < cells.length; c++) (columns[c] as string[]).push(cells[c] as string);
  }
  return { header, columns };
}

/** The column named `name`, or a coded error naming the file and the columns it has. */
export function nabColumn(csv: NabCsv, name: string, path: string): string[] {
  const index = csv.header.indexOf(name);
  const column = csv.columns[index];
  if (index < 0 || column === undefined) {
    throw new IotpError('NAB_MISSING_COLUMN', `${path} has no "${name}" column (has ${csv.header.join(', ')})`);
  }
  return column;
}

/** Parses numbers, with a coded error naming the file and row of the first bad cell. */
export function toNumbers(cells: string[], path: string, column: string): Float64Array {
  const out = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const v = Number(cells[i]);
    if (!Number.isFinite(v) || (cells[i] as string).trim() === '') {
      throw new IotpError('NAB_BAD_NUMBER', `${path}: row ${i + 2} column ${column} is not a number: "${cells[i]}"`);
    }
    out[i] = v;
  }
  return out;
}
