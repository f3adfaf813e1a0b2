/**
 * Counter-based randomness: every draw is a pure function of (seed, a, b, c), so a device's values
 * do not depend on how many other devices exist, on scheduling order, or on wall-clock time. The
 * simulator never keeps a stateful generator per device.
 *
 * @example
 *   uniform(42, deviceIndex, seq, SALT.noise) // same number on every run with seed 42
 *   gaussian(42, deviceIndex, seq, 7)         // standard normal N(0, 1)
 */

/** murmur3's 32-bit finaliser: full avalanche of one word. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds a non-negative integer of up to 53 bits into the hash (high and low words). */
function absorb(h: number, value: number): number {
  const lo = value >>> 0;
  const hi = Math.floor(value / 0x1_0000_0000) >>> 0;
  return fmix32(Math.imul(fmix32(h ^ lo) ^ hi, 0x9e3779b1) + 0x7f4a7c15);
}

/** A 32-bit hash of up to four integers (negative or fractional inputs are truncated first). */
export function hash32(seed: number, a: number, b = 0, c = 0): number {
  let h = fmix32(seed ^ 0x5bd1e995);
  h = absorb(h, Math.abs(Math.trunc(a)));
  h = absorb(h, Math.abs(Math.trunc(b)));
  h = absorb(h, Math.abs(Math.trunc(c)));
  return h;
}

/** A uniform draw in [0, 1). */
export function uniform(seed: number, a: number, b = 0, c = 0): number {
  return hash32(seed, a, b, c) / 0x1_0000_0000;
}

/** A uniform draw in [lo, hi). */
export function between(lo: number, hi: number, seed: number, a: number, b = 0, c = 0): number {
  return lo + (hi - lo) * uniform(seed, a, b, c);
}

/** A standard normal draw (Box-Muller on two independent uniforms). */
export function gaussian(seed: number, a: number, b = 0, c = 0): number {
  const u1 = 1 - uniform(seed, a, b, c * 2); // (0, 1]: log is finite
  const u2 = uniform(seed, a, b, c * 2 + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** An integer seed from a number or any string (`--seed lab-1` works as well as `--seed 7`). */
export function seedFrom(value: string | number): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value >>> 0;
  const text = String(value);
  if (/^\d+$/.test(text) && Number(text) <= 0xffff_ffff) return Number(text) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/**
 * Salts that keep the draws of different purposes independent (the `c` argument, or part of it).
 * Field-specific draws add the field's position.
 */
export const SALT = {
  deviceParams: 1_000,
  noise: 2_000,
  anomalyStart: 3_000,
  anomalyKind: 3_001,
  anomalyField: 3_002,
  anomalyLength: 3_003,
  anomalySize: 3_004,
  anomalySign: 3_005,
  malformedVariant: 3_006,
  /** Anomaly size draws: this + 0, 1, 2, ... */
  anomalyMagnitude: 3_100,
  /** The extra noise of a NOISE_BURST (a gaussian: uses 2c and 2c + 1). */
  burstNoise: 3_200,
  siteParams: 4_000,
} as const;
