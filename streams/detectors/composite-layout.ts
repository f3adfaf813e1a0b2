import type { CompositeConfig } from './composite-config.js';
import { type DailyProfileConfig, dailyProfileSlots } from './novelty/daily-profile.js';
import { JUMP_SLOTS } from './novelty/jump.js';
import { type RegimeNoveltyLayout, regimeNoveltyLayout } from './novelty/regime-novelty.js';
import { type ShapeNoveltyLayout, shapeNoveltyLayout } from './novelty/shape-novelty.js';
import { RANGE_SLOTS } from './range-novelty.js';
import { likelihoodSlots } from './stats/anomaly-likelihood.js';
import { STUCK_SLOTS } from './stuck.js';

/** Header numbers at the start of the combined detector's Float64Array. */
export const HEADER = {
  /** The layout's fingerprint ({@link CompositeLayout.key}): a state is only read with the layout that wrote it. */
  key: 0,
  /** Records seen. */
  n: 1,
  /** Running mean and variance of the values (the `expected` band of an anomaly). */
  mean: 2,
  variance: 3,
  /** Record number and score of the last alert (-Infinity and 0 before any). */
  lastAlert: 4,
  lastAlertScore: 5,
  /** The channel behind the last score ({@link CHANNELS} index). */
  channel: 6,
  /** Event time of the previous record and the usual time between records (gap detection). */
  lastTs: 7,
  interval: 8,
} as const;
const HEADER_SLOTS = 9;

/** Channel names in the order of their codes in the state. */
export const CHANNELS = ['none', 'shape', 'regime', 'profile', 'stuck', 'range', 'jump'] as const;

/**
 * Where every part of the combined detector lives in its two typed arrays, derived from the config
 * alone: offsets into the Float64Array (`f`, scalars and short arrays), the Int8Array (`b`, the
 * codes of the vector memories) and the Int16Array (`m`, their insertion numbers), the sizes of the
 * three, and a fingerprint of everything that shapes them.
 */
export interface CompositeLayout {
  key: number;
  fSize: number;
  bSize: number;
  mSize: number;
  shapes: { novelty: ShapeNoveltyLayout; likelihood: number }[];
  regime: { novelty: RegimeNoveltyLayout; likelihood: number } | null;
  profile: { at: number; likelihood: number; config: DailyProfileConfig } | null;
  stuck: number | null;
  range: number | null;
  jump: number | null;
}

const cache = new WeakMap<CompositeConfig, CompositeLayout>();

/** The layout of a (parsed) config, computed once per config object. */
export function compositeLayout(c: CompositeConfig): CompositeLayout {
  const known = cache.get(c);
  if (known) return known;
  let f = HEADER_SLOTS;
  let b = 0;
  let m = 0;
  const take = (n: number): number => {
    const at = f;
    f += n;
    return at;
  };
  const lSlots = likelihoodSlots(c.likelihood);
  const shapes = c.shapes.map((shape) => {
    const placed = shapeNoveltyLayout(shape, f, b, m);
    f += placed.f;
    b += placed.b;
    m += placed.m;
    return { novelty: placed.layout, likelihood: take(lSlots) };
  });
  let regime: CompositeLayout['regime'] = null;
  if (c.regime) {
    const placed = regimeNoveltyLayout(c.regime, f, b, m);
    f += placed.f;
    b += placed.b;
    m += placed.m;
    regime = { novelty: placed.layout, likelihood: take(lSlots) };
  }
  const profile = c.profile
    ? { at: take(dailyProfileSlots(c.profile)), likelihood: take(lSlots), config: c.profile }
    : null;
  const stuck = c.stuck ? take(STUCK_SLOTS) : null;
  const range = c.range ? take(RANGE_SLOTS) : null;
  const jump = c.jump ? take(JUMP_SLOTS) : null;
  const shape = JSON.stringify([
    c.shapes.map((s) => [s.step, s.length, s.memory]),
    c.regime && [c.regime.scales, c.regime.step, c.regime.memory],
    c.profile?.bins ?? null,
    c.likelihood.averageWindow,
    c.stuck !== null,
    c.range !== null,
    c.jump !== null,
    f,
    b,
    m,
  ]);
  const layout: CompositeLayout = {
    key: fingerprint(shape),
    fSize: f,
    bSize: b,
    mSize: m,
    shapes,
    regime,
    profile,
    stuck,
    range,
    jump,
  };
  cache.set(c, layout);
  return layout;
}

/** FNV-1a of a string, as a non-negative integer below 2^32 (exact in a float64). */
function fingerprint(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
