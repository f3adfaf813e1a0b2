import type { RowLabels } from './label-rows.js';
import type { CostMatrix } from './profiles.js';

/** One file's detector output with its row labels. */
export interface ScoredFile {
  /** `category/file.csv`, as in NAB's windows file. */
  name: string;
  scores: ArrayLike<number>;
  labels: RowLabels;
}

/** The corpus total raw score when every row with score >= threshold is a detection. */
export interface ThresholdScore {
  threshold: number;
  score: number;
}

/**
 * NAB's threshold sweep over a whole corpus: visits every distinct score from the highest down
 * (starting above 1, where nothing is detected) and returns the raw score at each, so the caller
 * can take the best. Inside a window only the best (earliest) detection counts; every detection
 * outside a window adds its weighted false-positive value.
 *
 * @example
 *   const best = bestThreshold(sweepThresholds(files, NAB_PROFILES.standard));
 */
export function sweepThresholds(files: readonly ScoredFile[], cost: CostMatrix): ThresholdScore[] {
  let total = 0;
  let windowBase = 0;
  const points: { score: number; window: number; worth: number }[] = [];
  for (const file of files) {
    const { labels, scores } = file;
    total -= cost.fnWeight * labels.scorableWindowCount;
    for (let i = 0; i < labels.window.length; i++) {
      if (labels.scorable[i] === 0) continue;
      const w = labels.window[i] as number;
      const v = labels.value[i] as number;
      points.push(
        w >= 0
          ? { score: scores[i] as number, window: windowBase + w, worth: v * cost.tpWeight }
          : { score: scores[i] as number, window: -1, worth: v * cost.fpWeight },
      );
    }
    windowBase += labels.windowCount;
  }
  points.sort((a, b) => b.score - a.score);
  const best = new Float64Array(windowBase).fill(-cost.fnWeight);
  const out: ThresholdScore[] = [];
  let threshold = 1.1;
  for (const p of points) {
    if (p.score !== threshold) {
      out.push({ threshold, score: total });
      threshold = p.score;
    }
    if (p.window < 0) {
      total += p.worth;
    } else if (p.worth > (best[p.window] as number)) {
      total += p.worth - (best[p.window] as number);
      best[p.window] = p.worth;
    }
  }
  out.push({ threshold, score: total });
  return out;
}

/** The best of a sweep; on ties the highest threshold (the first reached), as NAB picks it. */
export function bestThreshold(sweep: readonly ThresholdScore[]): ThresholdScore {
  let best = sweep[0] ?? { threshold: 1.1, score: 0 };
  for (const s of sweep) if (s.score > best.score) best = s;
  return best;
}
