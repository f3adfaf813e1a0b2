import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/synthetic-series.js';
import {
  DEFAULT_LIKELIHOOD,
  likelihoodInit,
  likelihoodSlots,
  likelihoodUpdate,
  logLikelihoodScore,
} from './anomaly-likelihood.js';
import { normalQuantile } from './normal-quantile.js';
import { normalTail } from './normal-tail.js';
import { P2_SLOTS, p2Add, p2PackedAdd, p2PackedInit, p2PackedValue, p2Quantile, p2Value } from './p2-quantile.js';
import {
  type RingLayout,
  ringCount,
  ringInit,
  ringNearest,
  ringPush,
  ringQuantise,
  ringScale,
} from './quantised-ring.js';
import { rollingMean, rollingPush, rollingStd, rollingWindow } from './rolling-window.js';

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

  it('the packed P² gives exactly the estimates of the plain one', () => {
    const rng = seededRandom(4);
    const plain = p2Quantile(0.5);
    const f = new Float64Array(P2_SLOTS + 3);
    p2PackedInit(f, 3, 0.5);
    for (let i = 0; i < 2000; i++) {
      const x = rng() * (i % 7);
      p2Add(plain, x);
      p2PackedAdd(f, 3, 0.5, x);
      expect(p2PackedValue(f, 3, 0.5)).toBe(p2Value(plain));
    }
  });

  it('the quantised ring finds the nearest neighbour a brute-force scan of its codes finds, skipping the newest', () => {
    const rng = seededRandom(2);
    const r: RingLayout = { dim: 4, capacity: 200, f: 2, b: 5, m: 7 };
    const f = new Float64Array(12); // the ring's header takes f[2..8]
    const b = new Int8Array(5 + 4 * 200 + 3);
    const m = new Int16Array(7 + 200 + 3);
    ringInit(f, b, m, r);
    let kept: number[][] = []; // the codes pushed, halved as the ring halves its own
    const q = new Int32Array(4);
    let scale = 0;
    for (let t = 0; t < 1500; t++) {
      // The spread widens twice, so the scale doubles and the stored codes are requantised.
      const spread = t < 300 ? 1 : t < 900 ? 40 : 1000;
      const v = [0, 1, 2, 3].map(() => 50 + spread * (rng() - 0.5) + (t % 50 < 25 ? 0 : spread / 4));
      ringQuantise(f, b, m, r, v, 0, q);
      if (scale !== 0 && ringScale(f, r) !== scale) {
        const factor = ringScale(f, r) / scale;
        kept = kept.map((u) => u.map((c) => Math.round(c / factor)));
      }
      scale = ringScale(f, r);
      expect(q.every((c) => Math.abs(c) <= 127)).toBe(true);
      const usable = kept.slice(-200).slice(0, Math.max(0, Math.min(kept.length, 200) - 4));
      const brute = usable.reduce(
        (best, u) =>
          Math.min(
            best,
            u.reduce((d, c, k) => d + (c - (q[k] as number)) ** 2, 0),
          ),
        Number.POSITIVE_INFINITY,
      );
      expect(ringNearest(f, b, m, r, q, 4)).toBe(brute);
      ringPush(f, b, m, r, q);
      kept.push(Array.from(q));
    }
    expect(ringCount(f, r)).toBe(200);
    expect(scale).toBeGreaterThan(1000 / 127 / 2);
    // The ring wrote only its own slots.
    expect([f[0], f[1], f[9], f[11], b[0], b[4], b[b.length - 1], m[0], m[6], m[m.length - 1]]).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it('the rolling window keeps the digits of a small spread on a large offset', () => {
    const w = rollingWindow(50);
    for (let i = 0; i < 1000; i++) rollingPush(w, 1e9 + (i % 2 === 0 ? 3 : -3));
    expect(rollingMean(w)).toBeCloseTo(1e9, 6);
    expect(rollingStd(w)).toBeCloseTo(3, 6);
  });

  it('the anomaly likelihood is 0.5 while learning, then high only for a burst of raw scores', () => {
    const c = DEFAULT_LIKELIHOOD;
    const s = new Float64Array(likelihoodSlots(c));
    likelihoodInit(s, 0, c);
    const rng = seededRandom(3);
    let last = 0;
    for (let i = 0; i < 299; i++) expect(likelihoodUpdate(s, 0, rng() * 0.2, c)).toBe(0.5);
    for (let i = 0; i < 500; i++) last = likelihoodUpdate(s, 0, rng() * 0.2, c);
    expect(logLikelihoodScore(last)).toBeLessThan(0.5);
    let peak = 0;
    for (let i = 0; i < 10; i++) peak = Math.max(peak, logLikelihoodScore(likelihoodUpdate(s, 0, 1, c)));
    expect(peak).toBeGreaterThan(0.5);
    expect(logLikelihoodScore(0.99999)).toBeCloseTo(0.5, 6);
  });
});
