import {
  type RingLayout,
  ringFSlots,
  ringInit,
  ringNearest,
  ringPush,
  ringQuantise,
  ringScale,
} from '../stats/quantised-ring.js';
import { RELATIVE_SLOTS, relativeInit, relativeScore } from '../stats/relative-score.js';

/**
 * Shape novelty: how far the last `length` points (each the mean of `step` records) lie from the
 * nearest such shape in the last `memory` ones, relative to the series' typical distance. A shape
 * never seen before (a new level, an unusual ramp, a missing peak) scores near 1.
 */
export interface ShapeNoveltyConfig {
  /** Records averaged into one point (1 = every record). */
  step: number;
  /** Points per shape. */
  length: number;
  /** Shapes remembered. */
  memory: number;
  /** Distance that scores 0.5, as a multiple of the median distance. */
  k: number;
}

/** Where one shape channel lives in the packed state. */
export interface ShapeNoveltyLayout {
  /** Offset of its numbers in the Float64Array. */
  f: number;
  ring: RingLayout;
}

// Float64 layout: scalars, the last `length` points, the relative score, the ring header.
const SUM = 0;
const FILLED = 1;
const POINTS_N = 2;
const RAW = 3;
const POINTS = 4;

/** Lays a shape channel out at the given offsets; returns it and the numbers it takes. */
export function shapeNoveltyLayout(
  c: ShapeNoveltyConfig,
  f: number,
  b: number,
  m: number,
): { layout: ShapeNoveltyLayout; f: number; b: number; m: number } {
  const fSlots = POINTS + c.length + RELATIVE_SLOTS + ringFSlots(c.length);
  const ring = { dim: c.length, capacity: c.memory, f: f + POINTS + c.length + RELATIVE_SLOTS, b, m };
  return { layout: { f, ring }, f: fSlots, b: c.length * c.memory, m: c.memory };
}

export function shapeNoveltyInit(
  f: Float64Array,
  b: Int8Array,
  m: Int16Array,
  l: ShapeNoveltyLayout,
  c: ShapeNoveltyConfig,
): void {
  f.fill(0, l.f, l.f + POINTS + c.length);
  relativeInit(f, l.f + POINTS + c.length);
  ringInit(f, b, m, l.ring);
}

const codes = new Int32Array(64);

/** Folds one value in; returns the raw novelty in [0, 1) (held between points when step > 1). */
export function shapeNoveltyUpdate(
  f: Float64Array,
  b: Int8Array,
  m: Int16Array,
  l: ShapeNoveltyLayout,
  x: number,
  c: ShapeNoveltyConfig,
): number {
  const o = l.f;
  const sum = (f[o + SUM] as number) + x;
  const filled = (f[o + FILLED] as number) + 1;
  if (filled < c.step) {
    f[o + SUM] = sum;
    f[o + FILLED] = filled;
    return f[o + RAW] as number;
  }
  f[o + SUM] = 0;
  f[o + FILLED] = 0;
  const points = o + POINTS;
  let have = f[o + POINTS_N] as number;
  if (have === c.length) {
    f.copyWithin(points, points + 1, points + c.length);
    have--;
  }
  f[points + have] = sum / filled;
  f[o + POINTS_N] = have + 1;
  if (have + 1 < c.length) return f[o + RAW] as number;
  ringQuantise(f, b, m, l.ring, f, points, codes);
  // The newest `length` shapes overlap this one; comparing with them would only find itself.
  const d2 = ringNearest(f, b, m, l.ring, codes, c.length);
  const scale = ringScale(f, l.ring);
  ringPush(f, b, m, l.ring, codes);
  const raw = relativeScore(f, points + c.length, Number.isFinite(d2) ? Math.sqrt(d2) * scale : 0, c.k);
  f[o + RAW] = raw;
  return raw;
}
