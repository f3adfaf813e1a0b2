import { type RelativeScoreState, relativeScore, relativeScoreState } from '../stats/relative-score.js';
import { nearestDistanceSq, type VectorRing, vectorPush, vectorRing } from '../stats/vector-ring.js';

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

export interface ShapeNoveltyState {
  sum: number;
  filled: number;
  points: number[];
  shapes: VectorRing;
  relative: RelativeScoreState;
  raw: number;
}

export function shapeNoveltyState(c: ShapeNoveltyConfig): ShapeNoveltyState {
  return {
    sum: 0,
    filled: 0,
    points: [],
    shapes: vectorRing(c.length, c.memory),
    relative: relativeScoreState(),
    raw: 0,
  };
}

/** Folds one value in; returns the raw novelty in [0, 1) (held between points when step > 1). */
export function shapeNoveltyUpdate(s: ShapeNoveltyState, x: number, c: ShapeNoveltyConfig): number {
  s.sum += x;
  s.filled++;
  if (s.filled < c.step) return s.raw;
  s.points.push(s.sum / s.filled);
  s.sum = 0;
  s.filled = 0;
  if (s.points.length > c.length) s.points.shift();
  if (s.points.length < c.length) return s.raw;
  // The newest `length` shapes overlap this one; comparing with them would only find itself.
  const d2 = nearestDistanceSq(s.shapes, s.points, c.length);
  vectorPush(s.shapes, s.points);
  s.raw = relativeScore(s.relative, Number.isFinite(d2) ? Math.sqrt(d2) : 0, c.k);
  return s.raw;
}
