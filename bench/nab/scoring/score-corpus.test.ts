import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../lib/runtime/stack-env.js';
import { loadResults } from '../load-results.js';
import { readWindowsFile } from '../windows-file.js';
import { labelRows } from './label-rows.js';
import { NAB_PROFILES } from './profiles.js';
import { scoreCorpus, scoreProfile } from './score-corpus.js';
import type { ScoredFile } from './sweep-thresholds.js';

// One file of 100 one-minute rows: probation is the first 15 rows, one window on rows 40..49.
const N = 100;
const timestamps = Array.from({ length: N }, (_, i) => i * 60_000);
const window = { start: 40 * 60_000, end: 49 * 60_000 };
const sig = (x: number) => 2 / (1 + Math.exp(-x)) - 1; // 2 * sigmoid(x) - 1
const tpWorth = (x: number) => sig(-5 * x) / sig(5); // first detection at relative position x in [-1, 0)

function file(detections: Record<number, number>): ScoredFile {
  const scores = new Float64Array(N);
  for (const [row, score] of Object.entries(detections)) scores[Number(row)] = score;
  return { name: 'cat/f.csv', scores, labels: labelRows(timestamps, [window]) };
}
const standard = (detections: Record<number, number>) => scoreProfile([file(detections)], NAB_PROFILES.standard);

describe('NAB scorer on hand-made cases', () => {
  it('gives 100 to a detector that fires once at the left edge of every window', () => {
    const s = standard({ 40: 1 });
    expect(s.raw).toBeCloseTo(1, 12);
    expect(s.normalized).toBeCloseTo(100, 10);
    expect(s.tp).toBe(1);
  });

  it('gives 0 to a detector that never fires, and ignores detections in the probationary period', () => {
    expect(standard({}).normalized).toBe(0);
    expect(standard({ 10: 1 }).normalized).toBe(0);
    expect(standard({ 10: 1 }).raw).toBe(-1);
  });

  it('rewards an early detection more than a late one, and counts only the first in a window', () => {
    const middle = standard({ 45: 1 }); // position -(49-45+1)/10 = -0.5
    const late = standard({ 49: 1 }); // position -0.1
    expect(middle.raw).toBeCloseTo(tpWorth(-0.5), 12);
    expect(late.raw).toBeCloseTo(tpWorth(-0.1), 12);
    expect(middle.normalized).toBeCloseTo(100 * ((1 + tpWorth(-0.5)) / 2), 10); // 92.99
    expect(late.normalized).toBeCloseTo(100 * ((1 + tpWorth(-0.1)) / 2), 10); // 62.41
    expect(standard({ 45: 1, 46: 1, 49: 1 }).raw).toBeCloseTo(tpWorth(-0.5), 12);
  });

  it('charges almost nothing for a false positive just after a window and the full fpWeight far from it', () => {
    const justAfter = standard({ 40: 1, 50: 1 }); // 1 row past a window 10 wide: d = 1/9
    const farAfter = standard({ 40: 1, 90: 1 }); // d = 41/9 >= 3: full cost
    const before = standard({ 40: 1, 20: 1 }); // before the first window: full cost
    expect(justAfter.raw).toBeCloseTo(1 + 0.11 * sig(-5 / 9), 12);
    expect(farAfter.raw).toBeCloseTo(1 - 0.11, 12);
    expect(before.raw).toBeCloseTo(1 - 0.11, 12);
    expect(justAfter.fp).toBe(1);
  });

  it('picks one threshold for the corpus: a false positive scored above the true positive is kept when it pays', () => {
    const s = standard({ 90: 0.9, 45: 0.8 });
    expect(s.threshold).toBe(0.8);
    expect(s.raw).toBeCloseTo(tpWorth(-0.5) - 0.11, 12);
    // Eight far false positives above the detection cost 0.88, less than the window earns over a miss (1.86);
    // twenty cost 2.2, more: then the best threshold is above every score.
    const noisy = standard({ 45: 0.5, 16: 0.9, 17: 0.9, 18: 0.9, 19: 0.9, 20: 0.9, 21: 0.9, 22: 0.9, 23: 0.9 });
    expect(noisy.threshold).toBe(0.5);
    const worse = standard(
      Object.fromEntries([[45, 0.5], ...Array.from({ length: 20 }, (_, k) => [16 + k, 0.9])]) as Record<number, number>,
    );
    expect(worse.threshold).toBeGreaterThan(0.9);
    expect(worse.normalized).toBe(0);
  });

  it('normalises low-FN against a null of -2 per window', () => {
    const s = scoreCorpus([file({ 45: 1 })]);
    expect(s.reward_low_FN_rate.nullScore).toBe(-2);
    expect(s.reward_low_FN_rate.normalized).toBeCloseTo((100 * (tpWorth(-0.5) + 2)) / 3, 10);
  });
});

describe('NAB scorer on the published reference results (42-file set)', () => {
  const fixtures = join(repoRoot, 'test', 'fixtures', 'nab');
  const windows = readWindowsFile(join(fixtures, 'windows.json'));
  const published = {
    windowedGaussian: { standard: 30.56, reward_low_FP_rate: 16.37, reward_low_FN_rate: 37.28 },
    numenta: { standard: 69.88, reward_low_FP_rate: 63.65, reward_low_FN_rate: 74.13 },
  };
  for (const [name, figures] of Object.entries(published)) {
    it(`reproduces ${name}: ${Object.values(figures).join(' / ')}`, () => {
      const scores = scoreCorpus(loadResults(join(fixtures, 'reference'), name, windows));
      expect(scores.standard.perfectScore).toBe(69);
      for (const [profile, figure] of Object.entries(figures)) {
        expect(scores[profile as keyof typeof scores]?.normalized.toFixed(2)).toBe(figure.toFixed(2));
      }
    });
  }
});
