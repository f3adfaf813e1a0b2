/**
 * The last `capacity` vectors of `dim` numbers in one flat array (plain JSON), with an exact
 * nearest-neighbour search: the memory of a novelty detector, bounded by construction.
 *
 * Slots are also kept ordered by the mean of their vector; since dim * (mean difference)² never
 * exceeds the squared distance, the search walks outwards from the query's mean and stops as soon
 * as no remaining mean can beat the best distance found, so it usually visits few vectors.
 *
 * @example
 *   const ring = vectorRing(4, 1000);
 *   const d2 = nearestDistanceSq(ring, v, 4); // skip the 4 newest (they overlap v)
 *   vectorPush(ring, v);
 */
export interface VectorRing {
  dim: number;
  capacity: number;
  data: number[];
  /** Mean of the vector in each slot. */
  means: number[];
  /** Slots ordered by mean. */
  order: number[];
  count: number;
  /** Slot the next vector goes to. */
  head: number;
}

export function vectorRing(dim: number, capacity: number): VectorRing {
  return { dim, capacity, data: [], means: [], order: [], count: 0, head: 0 };
}

/** First position in `order` whose mean is >= m. */
function lowerBound(ring: VectorRing, m: number): number {
  const { order, means } = ring;
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((means[order[mid] as number] as number) < m) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function vectorPush(ring: VectorRing, v: ArrayLike<number>): void {
  const { dim } = ring;
  const slot = ring.head;
  if (ring.count === ring.capacity) {
    // Evict the slot's old vector from the order.
    let pos = lowerBound(ring, ring.means[slot] as number);
    while (ring.order[pos] !== slot) pos++;
    ring.order.splice(pos, 1);
  }
  const base = slot * dim;
  let sum = 0;
  for (let k = 0; k < dim; k++) {
    // Stored at float32 precision, so the state packs into 4 bytes a number and restores exactly.
    const x = Math.fround(v[k] as number);
    ring.data[base + k] = x;
    sum += x;
  }
  const mean = sum / dim;
  ring.means[slot] = mean;
  ring.order.splice(lowerBound(ring, mean), 0, slot);
  ring.head = (slot + 1) % ring.capacity;
  if (ring.count < ring.capacity) ring.count++;
}

/**
 * Squared Euclidean distance from `v` to its nearest stored vector, ignoring the `exclude` newest
 * ones; Infinity when nothing is left to compare with.
 */
export function nearestDistanceSq(ring: VectorRing, v: ArrayLike<number>, exclude: number): number {
  const { dim, capacity, data, means, order, head } = ring;
  if (ring.count - exclude <= 0) return Number.POSITIVE_INFINITY;
  let vMean = 0;
  for (let k = 0; k < dim; k++) vMean += v[k] as number;
  vMean /= dim;
  let best = Number.POSITIVE_INFINITY;
  const start = lowerBound(ring, vMean);
  let left = start - 1;
  let right = start;
  while (left >= 0 || right < order.length) {
    const dl = left >= 0 ? vMean - (means[order[left] as number] as number) : Number.POSITIVE_INFINITY;
    const dr = right < order.length ? (means[order[right] as number] as number) - vMean : Number.POSITIVE_INFINITY;
    let slot: number;
    let gap: number;
    if (dl <= dr) {
      slot = order[left] as number;
      gap = dl;
      left--;
    } else {
      slot = order[right] as number;
      gap = dr;
      right++;
    }
    if (dim * gap * gap >= best) break;
    if ((head - 1 - slot + capacity) % capacity < exclude) continue;
    const base = slot * dim;
    let d = 0;
    for (let k = 0; k < dim; k++) {
      const e = (v[k] as number) - (data[base + k] as number);
      d += e * e;
      if (d >= best) break;
    }
    if (d < best) best = d;
  }
  return best;
}
