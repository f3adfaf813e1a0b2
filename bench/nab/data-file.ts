import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nabColumn, readNabCsv, toNumbers } from './csv.js';
import { parseNabTimestamp } from './timestamp.js';

/** One NAB data file: `key` is `category/file.csv`; timestamps in epoch ms (UTC), ascending. */
export interface NabSeries {
  key: string;
  timestamps: number[];
  values: Float64Array;
}

/** Reads `DIR/<category>/<file>.csv` (`timestamp,value`; `.csv.gz` also accepted, keyed without `.gz`). */
export function readNabSeries(dataDir: string, key: string): NabSeries {
  const path = join(dataDir, key);
  const csv = readNabCsv(statExists(path) ? path : `${path}.gz`);
  return {
    key,
    timestamps: nabColumn(csv, 'timestamp', path).map(parseNabTimestamp),
    values: toNumbers(nabColumn(csv, 'value', path), path, 'value'),
  };
}

/** The keys (`category/file.csv`) of every data file under `DIR/<category>/`, sorted. */
export function listNabKeys(dataDir: string): string[] {
  const keys: string[] = [];
  for (const category of readdirSync(dataDir).sort()) {
    const dir = join(dataDir, category);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.csv')) keys.push(`${category}/${file}`);
      else if (file.endsWith('.csv.gz')) keys.push(`${category}/${file.slice(0, -3)}`);
    }
  }
  return keys;
}

function statExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
