import { loadResults } from './load-results.js';
import type { ProfileName } from './scoring/profiles.js';
import { type ProfileScore, scoreCorpus } from './scoring/score-corpus.js';
import { readWindowsFile } from './windows-file.js';

/**
 * Scores an existing results folder (`resultsDir/<name>/<category>/<name>_<file>.csv`, e.g. NAB's
 * published results of another detector) for every file of the windows file.
 *
 * @example scoreResults('nab/reference', 'numenta', 'nab/windows.json').standard.normalized // 69.88
 */
export function scoreResults(resultsDir: string, name: string, windowsFile: string): Record<ProfileName, ProfileScore> {
  return scoreCorpus(loadResults(resultsDir, name, readWindowsFile(windowsFile)));
}
