import { existsSync } from 'node:fs';
import { IotpError } from '../../lib/errors.js';
import { nabColumn, readNabCsv, toNumbers } from './csv.js';
import { resultPath } from './result-path.js';
import { labelRows, type Window } from './scoring/label-rows.js';
import type { ScoredFile } from './scoring/sweep-thresholds.js';
import { parseNabTimestamp } from './timestamp.js';

/**
 * Reads a detector's results folder (`DIR/<name>/<category>/<name>_<file>.csv`, or `.csv.gz`;
 * columns `timestamp` and `anomaly_score`) for every file of the windows map and labels the rows,
 * ready for {@link scoreCorpus}. A file of the windows map with no results is an error.
 *
 * @example const files = loadResults('nab/reference', 'numenta', readWindowsFile('nab/windows.json'));
 */
export function loadResults(resultsDir: string, name: string, windows: Map<string, Window[]>): ScoredFile[] {
  const files: ScoredFile[] = [];
  for (const [key, fileWindows] of windows) {
    const base = resultPath(resultsDir, name, key);
    const path = existsSync(base) ? base : `${base}.gz`;
    if (!existsSync(path)) {
      throw new IotpError('NAB_MISSING_RESULTS', `no results for ${key}: expected ${base}`, { context: { name, key } });
    }
    const csv = readNabCsv(path);
    const timestamps = nabColumn(csv, 'timestamp', path).map(parseNabTimestamp);
    const scores = toNumbers(nabColumn(csv, 'anomaly_score', path), path, 'anomaly_score');
    files.push({ name: key, scores, labels: labelRows(timestamps, fileWindows) });
  }
  return files;
}
