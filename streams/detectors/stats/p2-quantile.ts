/**
 * A streaming quantile estimate in constant space: the P² algorithm of Jain & Chlamtac (1985), five
 * markers whose heights follow the p-quantile of everything seen so far without storing it.
 * Two forms share one implementation: a plain-JSON object ({@link p2Quantile}, the heartbeat's) and
 * {@link P2_SLOTS} numbers inside a packed Float64Array state ({@link p2PackedInit}, the combined
 * detector's).
 *
 * @example
 *   const q = p2Quantile(0.5);
 *   for (const x of xs) p2Add(q, x);
 *   p2Value(q); // ≈ median of xs
 */
export interface P2Quantile {
  p: number;
  /** Marker heights (the first five observations, sorted, until the estimator starts). */
  q: number[];
  /** Marker positions (1-based). */
  n: number[];
  /** Desired marker positions. */
  np: number[];
  count: number;
}

/** Indexable numbers: a plain array or a typed array. */
type Slots = { [i: number]: number };

export function p2Quantile(p: number): P2Quantile {
  return { p, q: [], n: [1, 2, 3, 4, 5], np: [1, 1 + 2 * p, 1 + 4 * p, 3 + 2 * p, 5], count: 0 };
}

export function p2Add(s: P2Quantile, x: number): void {
  s.count++;
  p2Step(s.q, 0, s.n, 0, s.np, 0, s.p, s.count, x);
}

/** The current estimate (exact for up to five observations; 0 before any). */
export function p2Value(s: P2Quantile): number {
  return p2Read(s.q, 0, s.count, s.p);
}

/** Numbers a packed P² takes: count, then five heights, five positions, five desired positions. */
export const P2_SLOTS = 16;

/** Starts a packed P² at `f[o]` (the quantile `p` is the caller's constant, passed to every call). */
export function p2PackedInit(f: Float64Array, o: number, p: number): void {
  f[o] = 0;
  for (let i = 0; i < 5; i++) {
    f[o + 1 + i] = 0;
    f[o + 6 + i] = i + 1;
  }
  f[o + 11] = 1;
  f[o + 12] = 1 + 2 * p;
  f[o + 13] = 1 + 4 * p;
  f[o + 14] = 3 + 2 * p;
  f[o + 15] = 5;
}

export function p2PackedAdd(f: Float64Array, o: number, p: number, x: number): void {
  const count = (f[o] as number) + 1;
  f[o] = count;
  p2Step(f, o + 1, f, o + 6, f, o + 11, p, count, x);
}

export function p2PackedValue(f: Float64Array, o: number, p: number): number {
  return p2Read(f, o + 1, f[o] as number, p);
}

function p2Read(q: Slots, qo: number, count: number, p: number): number {
  if (count === 0) return 0;
  if (count <= 5) return q[qo + Math.min(count - 1, Math.max(0, Math.round(p * (count - 1))))] as number;
  return q[qo + 2] as number;
}

/** One observation (`count` includes it) into markers q, n, np starting at qo, no, npo. */
function p2Step(
  q: Slots,
  qo: number,
  n: Slots,
  no: number,
  np: Slots,
  npo: number,
  p: number,
  count: number,
  x: number,
) {
  if (count <= 5) {
    // Insertion sort of the first five (on a plain array this appends).
    let i = count - 1;
    while (i > 0 && (q[qo + i - 1] as number) > x) {
      q[qo + i] = q[qo + i - 1] as number;
      i--;
    }
    q[qo + i] = x;
    return;
  }
  let k: number;
  if (x < (q[qo] as number)) {
    q[qo] = x;
    k = 0;
  } else if (x >= (q[qo + 4] as number)) {
    q[qo + 4] = x;
    k = 3;
  } else {
    k = 0;
    while (k < 3 && x >= (q[qo + k + 1] as number)) k++;
  }
  for (let i = k + 1; i < 5; i++) n[no + i] = (n[no + i] as number) + 1;
  np[npo + 1] = (np[npo + 1] as number) + p / 2;
  np[npo + 2] = (np[npo + 2] as number) + p;
  np[npo + 3] = (np[npo + 3] as number) + (1 + p) / 2;
  np[npo + 4] = (np[npo + 4] as number) + 1;
  for (let i = 1; i <= 3; i++) {
    const ni = n[no + i] as number;
    const nPrev = n[no + i - 1] as number;
    const nNext = n[no + i + 1] as number;
    const d = (np[npo + i] as number) - ni;
    const right = nNext - ni;
    const left = nPrev - ni;
    if ((d >= 1 && right > 1) || (d <= -1 && left < -1)) {
      const sign = d > 0 ? 1 : -1;
      const qi = q[qo + i] as number;
      const qPrev = q[qo + i - 1] as number;
      const qNext = q[qo + i + 1] as number;
      const parabolic =
        qi +
        (sign / (nNext - nPrev)) *
          ((ni - nPrev + sign) * ((qNext - qi) / right) + (nNext - ni - sign) * ((qi - qPrev) / -left));
      if (qPrev < parabolic && parabolic < qNext) {
        q[qo + i] = parabolic;
      } else {
        const j = i + sign;
        q[qo + i] = qi + (sign * ((q[qo + j] as number) - qi)) / ((n[no + j] as number) - ni);
      }
      n[no + i] = ni + sign;
    }
  }
}
