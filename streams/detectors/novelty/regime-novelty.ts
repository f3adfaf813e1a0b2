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
 * Regime novelty: the mean and standard deviation over several trailing windows (`scales`), taken
 * every `step` records, compared with the nearest such summary in memory. Catches changes of level,
 * of noise and of spike density that no single point shows.
 */
export interface RegimeNoveltyConfig {
  scales: number[];
  step: number;
  memory: number;
  k: number;
}

/** Where the regime channel lives in the packed state. */
export interface RegimeNoveltyLayout {
  /** Offset of its numbers in the Float64Array. */
  f: number;
  /** The longest scale (values kept). */
  longest: number;
  ring: RingLayout;
}

// Float64 layout: scalars, the last `longest` values (a ring), the relative score, the ring header.
const HEAD = 0;
const N = 1;
const FILLED = 2;
const RAW = 3;
const WINDOW = 4;

export function regimeNoveltyLayout(
  c: RegimeNoveltyConfig,
  f: number,
  b: number,
  m: number,
): { layout: RegimeNoveltyLayout; f: number; b: number; m: number } {
  const longest = c.scales.reduce((a, b) => Math.max(a, b), 0);
  const dim = 2 * c.scales.length;
  const ring = { dim, capacity: c.memory, f: f + WINDOW + longest + RELATIVE_SLOTS, b, m };
  return {
    layout: { f, longest, ring },
    f: WINDOW + longest + RELATIVE_SLOTS + ringFSlots(dim),
    b: dim * c.memory,
    m: c.memory,
  };
}

export function regimeNoveltyInit(f: Float64Array, b: Int8Array, m: Int16Array, l: RegimeNoveltyLayout): void {
  f.fill(0, l.f, l.f + WINDOW + l.longest);
  relativeInit(f, l.f + WINDOW + l.longest);
  ringInit(f, b, m, l.ring);
}

const summary = new Float64Array(64);
const codes = new Int32Array(64);

export function regimeNoveltyUpdate(
  f: Float64Array,
  b: Int8Array,
  m: Int16Array,
  l: RegimeNoveltyLayout,
  x: number,
  c: RegimeNoveltyConfig,
): number {
  const o = l.f;
  const { longest } = l;
  const n = (f[o + N] as number) + 1;
  f[o + N] = n;
  const window = o + WINDOW;
  const head = f[o + HEAD] as number;
  f[window + head] = x;
  const next = (head + 1) % longest;
  f[o + HEAD] = next;
  const filled = Math.min((f[o + FILLED] as number) + 1, longest);
  f[o + FILLED] = filled;
  if (n % c.step !== 0) return f[o + RAW] as number;
  for (let i = 0; i < c.scales.length; i++) {
    const count = Math.min(c.scales[i] as number, filled);
    let sum = 0;
    for (let j = 1; j <= count; j++) sum += f[window + ((next - j + longest) % longest)] as number;
    const mean = sum / count;
    let sq = 0;
    for (let j = 1; j <= count; j++) sq += ((f[window + ((next - j + longest) % longest)] as number) - mean) ** 2;
    summary[2 * i] = mean;
    summary[2 * i + 1] = Math.sqrt(sq / count);
  }
  ringQuantise(f, b, m, l.ring, summary, 0, codes);
  // Summaries less than one longest window apart share data; skip them.
  const d2 = ringNearest(f, b, m, l.ring, codes, Math.ceil(longest / c.step));
  const scale = ringScale(f, l.ring);
  ringPush(f, b, m, l.ring, codes);
  const raw = relativeScore(f, window + longest, Number.isFinite(d2) ? Math.sqrt(d2) * scale : 0, c.k);
  f[o + RAW] = raw;
  return raw;
}
