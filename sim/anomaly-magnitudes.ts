import type { FieldCharacter } from './field-character.js';
import { clampRound, type FieldModel } from './sensor-types/sensor-type-model.js';

/** A closed range [lo, hi] a size is drawn from, uniformly. */
export type Range = readonly [number, number];

/**
 * How big injected anomalies are, relative to the device field's own noise (sigma) and its
 * noise-free range over the day before (dailyHigh - dailyLow):
 * - SPIKE/DIP: at least `jumpSigmas` sigmas from the reading it replaces AND beyond the day's range
 *   by `beyondSigmas` sigmas plus `beyondRange` of the day's range.
 * - LEVEL_SHIFT, and the offset a DRIFT ends at: the larger of `shiftSigmas` sigmas and
 *   `shiftRange` of the day's range.
 * - NOISE_BURST: the noise's standard deviation becomes `noiseFactor` x sigma.
 */
export interface AnomalyMagnitudes {
  jumpSigmas: Range;
  beyondSigmas: Range;
  beyondRange: Range;
  shiftSigmas: Range;
  shiftRange: Range;
  noiseFactor: Range;
}

export const DEFAULT_ANOMALY_MAGNITUDES: AnomalyMagnitudes = {
  jumpSigmas: [6, 10],
  beyondSigmas: [3, 5],
  beyondRange: [0.1, 0.5],
  shiftSigmas: [6, 10],
  shiftRange: [0.2, 0.5],
  noiseFactor: [4, 8],
};

const draw = (range: Range, u: number) => range[0] + (range[1] - range[0]) * u;
const floorOf = (field: FieldModel) => field.anomalyFloor ?? field.min;

/**
 * The value a SPIKE (or DIP) puts in place of `v`, given uniform draws `u` (3 numbers in [0, 1)).
 * A spike with no headroom below the field's max becomes a dip, and a dip below its floor a spike;
 * when neither fits, the wanted one is clamped to the physical range.
 *
 * @example
 *   spikeOrDip('SPIKE', 21.4, { sigma: 0.1, level: 21.4, dailyLow: 16, dailyHigh: 24 }, temperature, [0.5, 0.5, 0.5])
 *   // { kind: 'SPIKE', value: 27.9 }: max(21.4 + 8 x 0.1, 24 + 4 x 0.1 + 0.3 x 8)
 */
export function spikeOrDip(
  want: 'SPIKE' | 'DIP',
  v: number,
  c: FieldCharacter,
  field: FieldModel,
  u: readonly [number, number, number],
  m: AnomalyMagnitudes = DEFAULT_ANOMALY_MAGNITUDES,
): { kind: 'SPIKE' | 'DIP'; value: number } {
  const jump = draw(m.jumpSigmas, u[0]) * c.sigma;
  const beyond = draw(m.beyondSigmas, u[1]) * c.sigma + draw(m.beyondRange, u[2]) * (c.dailyHigh - c.dailyLow);
  const up = Math.max(v + jump, c.dailyHigh + beyond);
  const down = Math.min(v - jump, c.dailyLow - beyond);
  const fitsUp = up <= field.max;
  const fitsDown = down >= floorOf(field);
  const kind = want === 'SPIKE' ? (fitsUp || !fitsDown ? 'SPIKE' : 'DIP') : fitsDown || !fitsUp ? 'DIP' : 'SPIKE';
  const target = kind === 'SPIKE' ? up : down;
  return { kind, value: clampRound(Math.max(floorOf(field), target), field) };
}

/**
 * The signed offset of a LEVEL_SHIFT, or the offset a DRIFT ends at: size from draws u[0], u[1],
 * sign from u[2]; the sign flips when `v + offset` leaves the field's physical range. Rounded to
 * the field's decimals.
 */
export function shiftOffset(
  v: number,
  c: FieldCharacter,
  field: FieldModel,
  u: readonly [number, number, number],
  m: AnomalyMagnitudes = DEFAULT_ANOMALY_MAGNITUDES,
): number {
  const size = Math.max(draw(m.shiftSigmas, u[0]) * c.sigma, draw(m.shiftRange, u[1]) * (c.dailyHigh - c.dailyLow));
  const f = 10 ** field.decimals;
  let offset = (Math.round(size * f) / f) * (u[2] < 0.5 ? -1 : 1);
  if (v + offset > field.max || v + offset < floorOf(field)) offset = -offset;
  return offset;
}

/** How many times its usual noise a NOISE_BURST makes a field's noise. */
export function noiseFactor(u: number, m: AnomalyMagnitudes = DEFAULT_ANOMALY_MAGNITUDES): number {
  return Math.round(draw(m.noiseFactor, u) * 10) / 10;
}
