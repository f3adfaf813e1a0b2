import type { CostMatrix } from './profiles.js';
import type { ScoredFile } from './sweep-thresholds.js';

/** One file's raw score at a threshold, with its counts (tp/fn count windows, fp counts rows). */
export interface FileScore {
  name: string;
  score: number;
  tp: number;
  fn: number;
  fp: number;
  /** Per window: the scorable row index of its earliest detection, or -1 when missed. */
  firstDetection: number[];
}

/**
 * Scores one file at a fixed threshold (rows with score >= threshold are detections); summing
 * these over a corpus gives the sweep's score at that threshold.
 *
 * @example scoreAtThreshold(file, 0.5, NAB_PROFILES.standard).score
 */
export function scoreAtThreshold(file: ScoredFile, threshold: number, cost: CostMatrix): FileScore {
  const { labels, scores } = file;
  const firstDetection = new Array<number>(labels.windowCount).fill(-1);
  const scorableWindow = new Array<boolean>(labels.windowCount).fill(false);
  let fpSum = 0;
  let fp = 0;
  for (let i = 0; i < labels.window.length; i++) {
    if (labels.scorable[i] === 0) continue;
    const w = labels.window[i] as number;
    if (w >= 0) scorableWindow[w] = true;
    if ((scores[i] as number) < threshold) continue;
    if (w < 0) {
      fp++;
      fpSum += cost.fpWeight * (labels.value[i] as number);
    } else if (firstDetection[w] === -1) {
      firstDetection[w] = i;
    }
  }
  let score = fpSum;
  let tp = 0;
  let fn = 0;
  for (let w = 0; w < labels.windowCount; w++) {
    if (!scorableWindow[w]) continue;
    const first = firstDetection[w] as number;
    if (first >= 0) {
      tp++;
      score += cost.tpWeight * (labels.value[first] as number);
    } else {
      fn++;
      score -= cost.fnWeight;
    }
  }
  return { name: file.name, score, tp, fn, fp, firstDetection };
}
