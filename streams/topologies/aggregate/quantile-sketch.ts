import type { ByteReader, ByteWriter } from '../shared/byte-codec.js';

/**
 * A mergeable quantile sketch with a relative-error guarantee: DDSketch (Masson, Rim & Lee, VLDB
 * 2019). Values fall into logarithmic buckets `(γ^(i-1), γ^i]` with γ = (1+α)/(1-α); a quantile is
 * answered by the bucket holding the rank `floor(q·(n-1))` value, and is within α (relative) of that
 * value as long as no bucket was collapsed. Negative values use a mirrored store; |x| below
 * `minIndexable` counts as zero. Merging adds bucket counts, so it is exact and order-free
 * (merge(a, b) answers exactly what one sketch fed both streams would).
 *
 * Size is bounded: past `maxBuckets` buckets per sign, the lowest buckets are collapsed into one
 * (only quantiles that fall in the collapsed range lose the guarantee).
 *
 * @example
 *   const s = newSketch();
 *   for (const x of [1, 2, 3, 4, 100]) sketchAdd(s, x);
 *   sketchQuantile(s, 0.5); // ≈ 3 (within 1%)
 */
export interface QuantileSketch {
  /** Values with |x| < minIndexable. */
  zero: number;
  /** Bucket index -> count, for x > 0. */
  pos: Map<number, number>;
  /** Bucket index (of -x) -> count, for x < 0. */
  neg: Map<number, number>;
}

/** α = 1% relative accuracy; at most 512 buckets per sign (a value range of 2.7e4 : 1 before collapsing). */
export const SKETCH_RELATIVE_ACCURACY = 0.01;
export const SKETCH_MAX_BUCKETS = 512;
export const SKETCH_MIN_INDEXABLE = 1e-9;

const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);

export function newSketch(): QuantileSketch {
  return { zero: 0, pos: new Map(), neg: new Map() };
}

function bucketIndex(magnitude: number): number {
  return Math.ceil(Math.log(magnitude) / LN_GAMMA);
}

/** The representative of bucket `i`: within α (relative) of every value of the bucket. */
function bucketValue(i: number): number {
  return (2 * GAMMA ** i) / (GAMMA + 1);
}

function bump(store: Map<number, number>, index: number, by: number): void {
  store.set(index, (store.get(index) ?? 0) + by);
  if (store.size > SKETCH_MAX_BUCKETS) collapseLowest(store);
}

function collapseLowest(store: Map<number, number>): void {
  const keys = [...store.keys()].sort((a, b) => a - b);
  const excess = keys.length - SKETCH_MAX_BUCKETS;
  const target = keys[excess] as number;
  let moved = 0;
  for (let k = 0; k < excess; k++) {
    const key = keys[k] as number;
    moved += store.get(key) as number;
    store.delete(key);
  }
  store.set(target, (store.get(target) ?? 0) + moved);
}

export function sketchAdd(s: QuantileSketch, x: number): void {
  if (x >= SKETCH_MIN_INDEXABLE) bump(s.pos, bucketIndex(x), 1);
  else if (x <= -SKETCH_MIN_INDEXABLE) bump(s.neg, bucketIndex(-x), 1);
  else s.zero++;
}

/** Adds `other`'s counts into `into` (`other` is left as it was). */
export function sketchMerge(into: QuantileSketch, other: QuantileSketch): void {
  into.zero += other.zero;
  for (const [k, c] of other.pos) bump(into.pos, k, c);
  for (const [k, c] of other.neg) bump(into.neg, k, c);
}

function total(store: Map<number, number>): number {
  let n = 0;
  for (const c of store.values()) n += c;
  return n;
}

export function sketchCount(s: QuantileSketch): number {
  return s.zero + total(s.pos) + total(s.neg);
}

/**
 * The q-quantile (0 ≤ q ≤ 1) as the sketch knows it: an estimate of the value of rank
 * `floor(q·(n-1))` (0-based, ascending); null when the sketch is empty.
 */
export function sketchQuantile(s: QuantileSketch, q: number): number | null {
  const n = sketchCount(s);
  if (n === 0) return null;
  const rank = Math.floor(Math.min(1, Math.max(0, q)) * (n - 1));
  const negCount = total(s.neg);
  if (rank < negCount) {
    // Ascending values = negative buckets by descending magnitude.
    let seen = 0;
    for (const k of [...s.neg.keys()].sort((a, b) => b - a)) {
      seen += s.neg.get(k) as number;
      if (seen > rank) return -bucketValue(k);
    }
  }
  if (rank < negCount + s.zero) return 0;
  let seen = negCount + s.zero;
  for (const k of [...s.pos.keys()].sort((a, b) => a - b)) {
    seen += s.pos.get(k) as number;
    if (seen > rank) return bucketValue(k);
  }
  return null;
}

function writeStore(w: ByteWriter, store: Map<number, number>): void {
  const keys = [...store.keys()].sort((a, b) => a - b);
  w.uvarint(keys.length);
  let prev = 0;
  keys.forEach((k, i) => {
    if (i === 0) w.svarint(k);
    else w.uvarint(k - prev);
    prev = k;
    w.uvarint(store.get(k) as number);
  });
}

function readStore(r: ByteReader): Map<number, number> {
  const n = r.uvarint();
  const store = new Map<number, number>();
  let k = 0;
  for (let i = 0; i < n; i++) {
    k = i === 0 ? r.svarint() : k + r.uvarint();
    store.set(k, r.uvarint());
  }
  return store;
}

/** Sparse encoding: zero count, then per sign the bucket indices (delta-coded) and counts as varints. */
export function writeSketch(w: ByteWriter, s: QuantileSketch): void {
  w.uvarint(s.zero);
  writeStore(w, s.pos);
  writeStore(w, s.neg);
}

export function readSketch(r: ByteReader): QuantileSketch {
  const zero = r.uvarint();
  const pos = readStore(r);
  const neg = readStore(r);
  return { zero, pos, neg };
}
