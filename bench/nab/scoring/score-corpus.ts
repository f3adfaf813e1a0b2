import { type CostMatrix, NAB_PROFILES, type ProfileName } from './profiles.js';
import { type FileScore, scoreAtThreshold } from './score-at-threshold.js';
import { bestThreshold, type ScoredFile, sweepThresholds } from './sweep-thresholds.js';

/**
 * One profile's result: the corpus-wide best threshold, the raw score there, the null and perfect
 * baselines, and `normalized` = 100 * (raw - null) / (perfect - null), the number NAB publishes.
 *
 * @example
 *   const { standard } = scoreCorpus(files);
 *   console.log(standard.normalized.toFixed(2));
 */
export interface ProfileScore {
  threshold: number;
  raw: number;
  nullScore: number;
  perfectScore: number;
  normalized: number;
  tp: number;
  fn: number;
  fp: number;
  files: FileScore[];
}

/** Scores a corpus under one profile: sweep, best threshold, per-file detail, normalisation. */
export function scoreProfile(files: readonly ScoredFile[], cost: CostMatrix): ProfileScore {
  const best = bestThreshold(sweepThresholds(files, cost));
  const perFile = files.map((file) => scoreAtThreshold(file, best.threshold, cost));
  const windows = files.reduce((sum, f) => sum + f.labels.windowCount, 0);
  const scorableWindows = files.reduce((sum, f) => sum + f.labels.scorableWindowCount, 0);
  const nullScore = -cost.fnWeight * scorableWindows;
  const perfectScore = cost.tpWeight * windows;
  const span = perfectScore - nullScore;
  return {
    threshold: best.threshold,
    raw: best.score,
    nullScore,
    perfectScore,
    normalized: span === 0 ? 0 : (100 * (best.score - nullScore)) / span,
    tp: perFile.reduce((s, f) => s + f.tp, 0),
    fn: perFile.reduce((s, f) => s + f.fn, 0),
    fp: perFile.reduce((s, f) => s + f.fp, 0),
    files: perFile,
  };
}

/** Scores a corpus under every profile (NAB's three by default). */
export function scoreCorpus(files: readonly ScoredFile[]): Record<ProfileName, ProfileScore>;
export function scoreCorpus<P extends string>(
  files: readonly ScoredFile[],
  profiles: Record<P, CostMatrix>,
): Record<P, ProfileScore>;
export function scoreCorpus(
  files: readonly ScoredFile[],
  profiles: Record<string, CostMatrix> = NAB_PROFILES,
): Record<string, ProfileScore> {
  const out: Record<string, ProfileScore> = {};
  for (const [name, cost] of Object.entries(profiles)) out[name] = scoreProfile(files, cost);
  return out;
}
