/**
 * The memory of a novelty channel: the last `capacity` vectors of `dim` numbers, stored as int8
 * codes on one power-of-two scale per ring, with an exact nearest-neighbour search in code units.
 * Bounded by construction and packed into the state's three typed arrays:
 * - {@link ringFSlots} numbers of its Float64Array: count, next insertion number, scale, and an
 *   offset per dimension (the ring's first vector);
 * - `capacity * dim` bytes of its Int8Array: the codes, kept sorted by the sum of each vector's codes;
 * - `capacity` int16 of its Int16Array: each position's insertion number (modulo 2^16), which says
 *   how old it is (the oldest leaves first; the newest are skipped by a search).
 * That is dim + 2 bytes a vector: 6 for the 4-number shapes and summaries of the combined detector.
 *
 * Codes are round((x_k - offset_k) / scale), the offsets being the ring's first vector (so a
 * dimension's level, e.g. a mean next to a standard deviation, costs no range). The scale starts tiny and
 * doubles (halving the stored codes) whenever a vector does not fit in ±127, so it ends near
 * (largest deviation seen) / 127. Query and stored vectors are quantised alike and distances are
 * integers, so a search is exact, and a state copied byte for byte finds the same neighbours.
 *
 * Since dim * d² >= (sum difference)², the search walks outwards from the query's sum and stops
 * once no remaining sum can beat the best distance found: usually a few dozen vectors, read in
 * order from one block of memory.
 *
 * @example
 *   const r: RingLayout = { dim: 4, capacity: 256, f: 0, b: 0, m: 0 };
 *   ringInit(f, b, m, r);
 *   ringQuantise(f, b, m, r, values, 0, codes);
 *   const d2 = ringNearest(f, b, m, r, codes, 4) * ringScale(f, r) ** 2; // skip the 4 newest
 *   ringPush(f, b, m, r, codes);
 */
export interface RingLayout {
  dim: number;
  capacity: number;
  /** Offset of the header in the state's Float64Array. */
  f: number;
  /** Offset of the codes in the state's Int8Array. */
  b: number;
  /** Offset of the insertion numbers in the state's Int16Array. */
  m: number;
}

/** Header numbers of a ring in the Float64Array: count, next insertion number, scale, then the offset of each dimension. */
export function ringFSlots(dim: number): number {
  return OFFSETS + dim;
}
const COUNT = 0;
const SEQ = 1;
const SCALE = 2;
const OFFSETS = 3;

/** The largest code magnitude. */
const MAX_CODE = 127;
/** Scale of a ring before its first vector (then doubled as the spread needs). */
const FIRST_SCALE = 2 ** -60;

export function ringInit(f: Float64Array, b: Int8Array, m: Int16Array, r: RingLayout): void {
  f.fill(0, r.f, r.f + ringFSlots(r.dim));
  b.fill(0, r.b, r.b + r.capacity * r.dim);
  m.fill(0, r.m, r.m + r.capacity);
}

export function ringCount(f: Float64Array, r: RingLayout): number {
  return f[r.f + COUNT] as number;
}

/** The value of one code unit (0 before the first vector). */
export function ringScale(f: Float64Array, r: RingLayout): number {
  return f[r.f + SCALE] as number;
}

/**
 * Writes the codes of `v[vo .. vo + dim)` into `out`, first widening the ring's scale (and
 * requantising what it holds) if they do not fit.
 */
export function ringQuantise(
  f: Float64Array,
  b: Int8Array,
  m: Int16Array,
  r: RingLayout,
  v: ArrayLike<number>,
  vo: number,
  out: Int32Array,
): void {
  const { dim } = r;
  const offsets = r.f + OFFSETS;
  if (f[r.f + SCALE] === 0) {
    f[r.f + SCALE] = FIRST_SCALE;
    for (let k = 0; k < dim; k++) f[offsets + k] = v[vo + k] as number;
  }
  let scale = f[r.f + SCALE] as number;
  let need = 0;
  for (let k = 0; k < dim; k++) need = Math.max(need, Math.abs((v[vo + k] as number) - (f[offsets + k] as number)));
  if (need > MAX_CODE * scale) {
    let factor = 1;
    while (need > MAX_CODE * scale * factor) factor *= 2;
    requantise(f, b, m, r, factor);
    scale *= factor;
    f[r.f + SCALE] = scale;
  }
  for (let k = 0; k < dim; k++) out[k] = Math.round(((v[vo + k] as number) - (f[offsets + k] as number)) / scale);
}

function sumAt(b: Int8Array, at: number, dim: number): number {
  let sum = 0;
  for (let k = 0; k < dim; k++) sum += b[at + k] as number;
  return sum;
}

/** Divides every stored code by `factor` (a power of two), rounding, and restores the order by sum. */
function requantise(f: Float64Array, b: Int8Array, m: Int16Array, r: RingLayout, factor: number): void {
  const { dim } = r;
  const count = f[r.f + COUNT] as number;
  for (let i = r.b; i < r.b + count * dim; i++) b[i] = Math.round((b[i] as number) / factor);
  // Rounding can swap nearly equal sums: insertion sort (the order is nearly right), moving each
  // vector's insertion number with its codes.
  const held = new Int8Array(dim);
  for (let i = 1; i < count; i++) {
    const sum = sumAt(b, r.b + i * dim, dim);
    if (sumAt(b, r.b + (i - 1) * dim, dim) <= sum) continue;
    let j = i - 1;
    while (j >= 0 && sumAt(b, r.b + j * dim, dim) > sum) j--;
    held.set(b.subarray(r.b + i * dim, r.b + (i + 1) * dim));
    b.copyWithin(r.b + (j + 2) * dim, r.b + (j + 1) * dim, r.b + i * dim);
    b.set(held, r.b + (j + 1) * dim);
    const age = m[r.m + i] as number;
    m.copyWithin(r.m + j + 2, r.m + j + 1, r.m + i);
    m[r.m + j + 1] = age;
  }
}

/** First position whose sum is >= `sum`. */
function lowerBound(b: Int8Array, base: number, dim: number, count: number, sum: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sumAt(b, base + mid * dim, dim) < sum) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Stores the codes `q` (from {@link ringQuantise}) as the newest vector, evicting the oldest when full. */
export function ringPush(f: Float64Array, b: Int8Array, m: Int16Array, r: RingLayout, q: Int32Array): void {
  const { dim, capacity } = r;
  const base = r.b;
  const ages = r.m;
  const seq = f[r.f + SEQ] as number;
  const count = f[r.f + COUNT] as number;
  let sum = 0;
  for (let k = 0; k < dim; k++) sum += q[k] as number;
  let at: number;
  if (count < capacity) {
    at = lowerBound(b, base, dim, count, sum);
    b.copyWithin(base + (at + 1) * dim, base + at * dim, base + count * dim);
    m.copyWithin(ages + at + 1, ages + at, ages + count);
    f[r.f + COUNT] = count + 1;
  } else {
    // The oldest is the one inserted `capacity` pushes ago (insertion numbers are unique in the
    // ring); the positions between it and the new one's place shift by one towards the gap.
    const oldest = (((seq - capacity) & 0xffff) << 16) >> 16;
    const gone = m.indexOf(oldest, ages) - ages;
    at = lowerBound(b, base, dim, count, sum);
    if (at > gone) {
      at--;
      b.copyWithin(base + gone * dim, base + (gone + 1) * dim, base + (at + 1) * dim);
      m.copyWithin(ages + gone, ages + gone + 1, ages + at + 1);
    } else {
      b.copyWithin(base + (at + 1) * dim, base + at * dim, base + gone * dim);
      m.copyWithin(ages + at + 1, ages + at, ages + gone);
    }
  }
  for (let k = 0; k < dim; k++) b[base + at * dim + k] = q[k] as number;
  m[ages + at] = seq; // stored modulo 2^16
  f[r.f + SEQ] = (seq + 1) & 0xffff;
}

/**
 * Squared distance, in code units, from the codes `q` to the nearest stored vector, ignoring the
 * `exclude` newest; Infinity when nothing is left to compare with.
 */
export function ringNearest(
  f: Float64Array,
  b: Int8Array,
  m: Int16Array,
  r: RingLayout,
  q: Int32Array,
  exclude: number,
): number {
  const { dim } = r;
  const count = f[r.f + COUNT] as number;
  if (count - exclude <= 0) return Number.POSITIVE_INFINITY;
  const base = r.b;
  const ages = r.m;
  const newest = (f[r.f + SEQ] as number) - 1;
  let qSum = 0;
  for (let k = 0; k < dim; k++) qSum += q[k] as number;
  let best = Number.POSITIVE_INFINITY;
  const start = lowerBound(b, base, dim, count, qSum);
  let left = start - 1;
  let right = start;
  let leftSum = left >= 0 ? sumAt(b, base + left * dim, dim) : 0;
  let rightSum = right < count ? sumAt(b, base + right * dim, dim) : 0;
  while (left >= 0 || right < count) {
    const gapLeft = left >= 0 ? qSum - leftSum : Number.POSITIVE_INFINITY;
    const gapRight = right < count ? rightSum - qSum : Number.POSITIVE_INFINITY;
    let pos: number;
    let gap: number;
    if (gapLeft <= gapRight) {
      pos = left;
      gap = gapLeft;
      left--;
      if (left >= 0) leftSum = sumAt(b, base + left * dim, dim);
    } else {
      pos = right;
      gap = gapRight;
      right++;
      if (right < count) rightSum = sumAt(b, base + right * dim, dim);
    }
    if (gap * gap >= dim * best) break;
    if (((newest - (m[ages + pos] as number)) & 0xffff) < exclude) continue;
    const at = base + pos * dim;
    let d = 0;
    for (let k = 0; k < dim; k++) {
      const e = (q[k] as number) - (b[at + k] as number);
      d += e * e;
      if (d >= best) break;
    }
    if (d < best) best = d;
  }
  return best;
}
