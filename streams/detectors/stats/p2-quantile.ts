/**
 * A streaming quantile estimate in constant space: the P² algorithm of Jain & Chlamtac (1985), five
 * markers whose heights follow the p-quantile of everything seen so far without storing it.
 * Plain JSON state, so it can live in a keyed store.
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

export function p2Quantile(p: number): P2Quantile {
  return { p, q: [], n: [1, 2, 3, 4, 5], np: [1, 1 + 2 * p, 1 + 4 * p, 3 + 2 * p, 5], count: 0 };
}

export function p2Add(s: P2Quantile, x: number): void {
  s.count++;
  const q = s.q;
  if (s.count <= 5) {
    let i = q.length;
    q.push(x);
    while (i > 0 && (q[i - 1] as number) > x) {
      q[i] = q[i - 1] as number;
      q[i - 1] = x;
      i--;
    }
    return;
  }
  let k: number;
  if (x < (q[0] as number)) {
    q[0] = x;
    k = 0;
  } else if (x >= (q[4] as number)) {
    q[4] = x;
    k = 3;
  } else {
    k = 0;
    while (k < 3 && x >= (q[k + 1] as number)) k++;
  }
  const n = s.n;
  for (let i = k + 1; i < 5; i++) n[i] = (n[i] as number) + 1;
  const p = s.p;
  const np = s.np;
  np[1] = (np[1] as number) + p / 2;
  np[2] = (np[2] as number) + p;
  np[3] = (np[3] as number) + (1 + p) / 2;
  np[4] = (np[4] as number) + 1;
  for (let i = 1; i <= 3; i++) {
    const d = (np[i] as number) - (n[i] as number);
    const right = (n[i + 1] as number) - (n[i] as number);
    const left = (n[i - 1] as number) - (n[i] as number);
    if ((d >= 1 && right > 1) || (d <= -1 && left < -1)) {
      const sign = d > 0 ? 1 : -1;
      const qi = q[i] as number;
      const parabolic =
        qi +
        (sign / ((n[i + 1] as number) - (n[i - 1] as number))) *
          (((n[i] as number) - (n[i - 1] as number) + sign) * (((q[i + 1] as number) - qi) / right) +
            ((n[i + 1] as number) - (n[i] as number) - sign) * ((qi - (q[i - 1] as number)) / -left));
      if ((q[i - 1] as number) < parabolic && parabolic < (q[i + 1] as number)) {
        q[i] = parabolic;
      } else {
        const j = i + sign;
        q[i] = qi + (sign * ((q[j] as number) - qi)) / ((n[j] as number) - (n[i] as number));
      }
      n[i] = (n[i] as number) + sign;
    }
  }
}

/** The current estimate (exact for up to five observations; 0 before any). */
export function p2Value(s: P2Quantile): number {
  const q = s.q;
  if (s.count === 0) return 0;
  if (s.count <= 5) {
    const idx = Math.min(q.length - 1, Math.max(0, Math.round(s.p * (q.length - 1))));
    return q[idx] as number;
  }
  return q[2] as number;
}
