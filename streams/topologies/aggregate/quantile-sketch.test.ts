import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../shared/byte-codec.js';
import {
  newSketch,
  readSketch,
  SKETCH_MAX_BUCKETS,
  SKETCH_RELATIVE_ACCURACY,
  sketchAdd,
  sketchCount,
  sketchMerge,
  sketchQuantile,
  writeSketch,
} from './quantile-sketch.js';

const exact = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))] as number;

function within(estimate: number | null, truth: number): void {
  expect(estimate).not.toBeNull();
  expect(Math.abs((estimate as number) - truth)).toBeLessThanOrEqual(
    SKETCH_RELATIVE_ACCURACY * Math.abs(truth) + 1e-12,
  );
}

describe('quantile sketch (DDSketch)', () => {
  it('answers the floor(q*(n-1)) rank value within the relative accuracy', () => {
    const s = newSketch();
    const xs = Array.from({ length: 1000 }, (_, i) => i + 1);
    for (const x of xs) sketchAdd(s, x);
    for (const q of [0, 0.01, 0.5, 0.95, 0.99, 1]) within(sketchQuantile(s, q), exact(xs, q));
  });

  it('handles negative values and zeros', () => {
    const s = newSketch();
    const xs = [-50, -20, -20, -1, 0, 0, 0, 3, 8, 1000];
    for (const x of xs) sketchAdd(s, x);
    expect(sketchCount(s)).toBe(10);
    const sorted = [...xs].sort((a, b) => a - b);
    for (const q of [0, 0.1, 0.3, 0.5, 0.6, 0.9, 1]) within(sketchQuantile(s, q), exact(sorted, q));
    expect(sketchQuantile(s, 0.5)).toBe(0);
  });

  it('is empty -> null', () => {
    expect(sketchQuantile(newSketch(), 0.5)).toBeNull();
  });

  it('merge equals one sketch fed both streams', () => {
    const a = newSketch();
    const b = newSketch();
    const both = newSketch();
    for (let i = 0; i < 500; i++) {
      const x = Math.sin(i) * 100;
      sketchAdd(i % 3 === 0 ? a : b, x);
      sketchAdd(both, x);
    }
    sketchMerge(a, b);
    expect(a).toEqual(both);
  });

  it('stays within its bucket bound over a huge range (lowest buckets collapse)', () => {
    const s = newSketch();
    for (let e = -6; e <= 12; e += 0.001) sketchAdd(s, 10 ** e);
    expect(s.pos.size).toBeLessThanOrEqual(SKETCH_MAX_BUCKETS);
    // The top of the range keeps its guarantee.
    within(sketchQuantile(s, 0.99), 10 ** (-6 + 0.99 * 18));
  });

  it('round-trips its sparse encoding', () => {
    const s = newSketch();
    for (const x of [-3, -3, 0, 0.5, 2, 2, 2, 700]) sketchAdd(s, x);
    const w = new ByteWriter(4);
    writeSketch(w, s);
    const bytes = w.finish();
    const r = new ByteReader(bytes, 'test');
    expect(readSketch(r)).toEqual(s);
    expect(r.done()).toBe(true);
    expect(bytes.length).toBeLessThan(20);
  });
});
