import { describe, expect, it } from 'vitest';
import { gaussian, hash32, seedFrom, uniform } from './hash-random.js';

describe('hash-random', () => {
  it('is a pure function of its inputs', () => {
    expect(uniform(1, 2, 3, 4)).toBe(uniform(1, 2, 3, 4));
    expect(uniform(1, 2, 3, 4)).not.toBe(uniform(2, 2, 3, 4));
    expect(uniform(1, 2, 3, 4)).not.toBe(uniform(1, 2, 4, 3));
    expect(hash32(0, 2 ** 40)).not.toBe(hash32(0, 2 ** 40 + 2 ** 32)); // high words count
  });

  it('draws uniform values in [0, 1) with the right mean and a normal with mean 0 and sd 1', () => {
    const n = 20_000;
    let sumU = 0;
    let sumG = 0;
    let sumG2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = uniform(9, i, 1, 2);
      if (u < 0 || u >= 1) outside++;
      sumU += u;
      const g = gaussian(9, i, 1, 2);
      sumG += g;
      sumG2 += g * g;
    }
    expect(outside).toBe(0);
    expect(sumU / n).toBeCloseTo(0.5, 1);
    expect(sumG / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(sumG2 / n)).toBeCloseTo(1, 1);
  });

  it('takes numeric and string seeds', () => {
    expect(seedFrom('42')).toBe(42);
    expect(seedFrom(42)).toBe(42);
    expect(seedFrom('lab-1')).toBe(seedFrom('lab-1'));
    expect(seedFrom('lab-1')).not.toBe(seedFrom('lab-2'));
  });
});
