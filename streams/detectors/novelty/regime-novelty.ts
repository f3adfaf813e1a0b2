import { type RelativeScoreState, relativeScore, relativeScoreState } from '../stats/relative-score.js';
import { nearestDistanceSq, type VectorRing, vectorPush, vectorRing } from '../stats/vector-ring.js';

/**
 * Regime novelty: the mean and standard deviation over several trailing windows (`scales`), taken
 * every `step` records, compared with the nearest such summary in memory. Catches changes of level,
 * of noise and of spike density that no single point shows.
 */
export interface RegimeNoveltyConfig {
  scales: number[];
  step: number;
  memory: number;
  k: number;
}

export interface RegimeNoveltyState {
  /** The last max(scales) values in a ring; `head` is the slot of the next value. */
  window: number[];
  head: number;
  n: number;
  summary: number[];
  summaries: VectorRing;
  relative: RelativeScoreState;
  raw: number;
}

export function regimeNoveltyState(c: RegimeNoveltyConfig): RegimeNoveltyState {
  return {
    window: [],
    head: 0,
    n: 0,
    summary: new Array<number>(2 * c.scales.length).fill(0),
    summaries: vectorRing(2 * c.scales.length, c.memory),
    relative: relativeScoreState(),
    raw: 0,
  };
}

export function regimeNoveltyUpdate(s: RegimeNoveltyState, x: number, c: RegimeNoveltyConfig): number {
  const longest = c.scales.reduce((a, b) => Math.max(a, b), 0);
  s.n++;
  const w = s.window;
  if (w.length < longest) w.push(x);
  else w[s.head] = x;
  s.head = (s.head + 1) % longest;
  if (s.n % c.step !== 0) return s.raw;
  const filled = w.length;
  const summary = s.summary;
  c.scales.forEach((scale, i) => {
    const count = Math.min(scale, filled);
    let sum = 0;
    for (let j = 1; j <= count; j++) sum += w[(s.head - j + longest) % longest] as number;
    const mean = sum / count;
    let sq = 0;
    for (let j = 1; j <= count; j++) sq += ((w[(s.head - j + longest) % longest] as number) - mean) ** 2;
    summary[2 * i] = mean;
    summary[2 * i + 1] = Math.sqrt(sq / count);
  });
  // Summaries less than one longest window apart share data; skip them.
  const d2 = nearestDistanceSq(s.summaries, summary, Math.ceil(longest / c.step));
  vectorPush(s.summaries, summary);
  s.raw = relativeScore(s.relative, Number.isFinite(d2) ? Math.sqrt(d2) : 0, c.k);
  return s.raw;
}
