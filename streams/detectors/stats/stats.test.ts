import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/synthetic-series.js';
import { DEFAULT_LIKELIHOOD, likelihoodState, likelihoodUpdate, logLikelihoodScore } from './anomaly-likelihood.js';
import { normalQuantile } from './normal-quantile.js';
import { normalTail } from './normal-tail.js';
import { p2Add, p2Quantile, p2Value } from './p2-quantile.js';
import { rollingMean, rollingPush, rollingStd, rollingWindow } from './rolling-window.js';
import { nearestDistanceSq, vectorPush, vectorRing } from './vector-ring.js';

describe('detector statistics', () => {
  it('normal tail and quantile match the tables and invert each other', () => {
    expect(normalTail(0)).toBeCloseTo(0.5, 7);
    expect(normalTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalTail(-1.959964)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    for (const p of [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999]) expect(1 - normalTail(normalQuantile(p))).toBeCloseTo(p, 6);
  });

  it('P² tracks the median of a skewed stream within 2%', () => {
    const rng = seededRandom(1);
    const q = p2Quantile(0.5);
    const xs: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = -Math.log(rng()); // exponential: median ln 2
      xs.push(x);
      p2Add(q, x);
    }
    expect(p2Value(q)).toBeGreaterThan(Math.LN2 * 0.98);
    expect(p2Value(q)).toBeLessThan(Math.LN2 * 1.02);
    const small = p2Quantile(0.5);
    for (const x of [5, 1, 3]) p2Add(small, x);
    expect(p2Value(small)).toBe(3);
  });

  it('the vector ring finds the same nearest neighbour as a brute-force scan, skipping the newest', () => {
    const rng = seededRandom(2);
    const ring = vectorRing(4, 200);
    const kept: number[][] = [];
    for (let t = 0; t < 1000; t++) {
      const v = [0, 1, 2, 3].map(() => Math.fround(rng() * 10 + (t % 50 < 25 ? 0 : 5)));
      const usable = kept.slice(-200).slice(0, Math.max(0, Math.min(kept.length, 200) - 4));
      const brute = usable.reduce(
        (best, u) =>
          Math.min(
            best,
            u.reduce((d, x, k) => d + (x - (v[k] as number)) ** 2, 0),
          ),
        Infinity,
      );
      expect(nearestDistanceSq(ring, v, 4)).toBe(brute);
      vectorPush(ring, v);
      kept.push(v);
    }
    expect(ring.count).toBe(200);
    expect(ring.data.length).toBe(800);
  });

  it('the rolling window keeps the digits of a small spread on a large offset', () => {
    const w = rollingWindow(50);
    for (let i = 0; i < 1000; i++) rollingPush(w, 1e9 + (i % 2 === 0 ? 3 : -3));
    expect(rollingMean(w)).toBeCloseTo(1e9, 6);
    expect(rollingStd(w)).toBeCloseTo(3, 6);
  });

  it('the anomaly likelihood is 0.5 while learning, then high only for a burst of raw scores', () => {
    const s = likelihoodState();
    const c = DEFAULT_LIKELIHOOD;
    const rng = seededRandom(3);
    let last = 0;
    for (let i = 0; i < 299; i++) expect(likelihoodUpdate(s, rng() * 0.2, c)).toBe(0.5);
    for (let i = 0; i < 500; i++) last = likelihoodUpdate(s, rng() * 0.2, c);
    expect(logLikelihoodScore(last)).toBeLessThan(0.5);
    let peak = 0;
    for (let i = 0; i < 10; i++) peak = Math.max(peak, logLikelihoodScore(likelihoodUpdate(s, 1, c)));
    expect(peak).toBeGreaterThan(0.5);
    expect(logLikelihoodScore(0.99999)).toBeCloseTo(0.5, 6);
  });
});
