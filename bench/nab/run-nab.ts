import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { IotpError } from '../../lib/errors.js';
import type { Detector } from '../../streams/detectors/types.js';
import { listNabKeys, type NabSeries, readNabSeries } from './data-file.js';
import { resultPath } from './result-path.js';
import { labelRows, type Window } from './scoring/label-rows.js';
import type { ProfileName } from './scoring/profiles.js';
import { type ProfileScore, scoreCorpus } from './scoring/score-corpus.js';
import type { ScoredFile } from './scoring/sweep-thresholds.js';
import { formatNabTimestamp } from './timestamp.js';
import { readWindowsFile } from './windows-file.js';

/** Where a NAB run reads and writes, and the detector it runs (a fresh state per file). */
export interface NabRunOptions {
  dataDir: string;
  windowsFile: string;
  /** Results go to `outDir/<name>/<category>/<name>_<file>.csv`; omit to score in memory only. */
  outDir?: string;
  name: string;
  detector: Detector<unknown>;
  onFile?: (key: string, index: number, total: number) => void;
}

/** The scores of a run, per profile, with what was run and how long the detector took. */
export interface NabRunResult {
  scores: Record<ProfileName, ProfileScore>;
  files: number;
  records: number;
  /** Time spent inside `detector.update` only (not reading, writing or scoring). */
  detectorMs: number;
}

/**
 * Runs a detector record by record over every data file of a NAB-format corpus (the same
 * `update(state, ts, value)` the stream topology calls), writes NAB-format results
 * (`timestamp,value,anomaly_score,label`, label 1 inside a window) and scores them with NAB's method.
 *
 * @example
 *   const { scores } = runNab({ dataDir: 'nab/data', windowsFile: 'nab/windows.json', outDir: 'out',
 *     name: 'iotp', detector: compositeDetector() });
 *   scores.standard.normalized;
 */
export function runNab(options: NabRunOptions): NabRunResult {
  const windows = readWindowsFile(options.windowsFile);
  const keys = listNabKeys(options.dataDir);
  if (keys.length === 0) throw new IotpError('NAB_NO_DATA', `no <category>/<file>.csv under ${options.dataDir}`);
  const files: ScoredFile[] = [];
  let records = 0;
  let detectorMs = 0;
  keys.forEach((key, index) => {
    options.onFile?.(key, index, keys.length);
    const fileWindows = windows.get(key);
    if (fileWindows === undefined) {
      throw new IotpError('NAB_MISSING_WINDOWS', `${options.windowsFile} has no entry for ${key}`, {
        context: { key },
      });
    }
    const series = readNabSeries(options.dataDir, key);
    const started = performance.now();
    const scores = runSeries(options.detector, series);
    detectorMs += performance.now() - started;
    records += series.values.length;
    const labels = labelRows(series.timestamps, fileWindows);
    if (options.outDir !== undefined)
      writeResults(resultPath(options.outDir, options.name, key), series, scores, fileWindows);
    files.push({ name: key, scores, labels });
  });
  return { scores: scoreCorpus(files), files: files.length, records, detectorMs };
}

/** One series through a fresh detector state; the score of every record, in order. */
export function runSeries(detector: Detector<unknown>, series: NabSeries): Float64Array {
  const state = detector.init();
  const scores = new Float64Array(series.values.length);
  for (let i = 0; i < series.values.length; i++) {
    scores[i] = detector.update(state, series.timestamps[i] as number, series.values[i] as number).score;
  }
  return scores;
}

function writeResults(path: string, series: NabSeries, scores: Float64Array, windows: readonly Window[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const lines = ['timestamp,value,anomaly_score,label'];
  for (let i = 0; i < scores.length; i++) {
    const ts = series.timestamps[i] as number;
    const label = windows.some((w) => ts >= w.start && ts <= w.end) ? 1 : 0;
    lines.push(`${formatNabTimestamp(ts)},${series.values[i]},${scores[i]},${label}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}
