/** A series point: [event time epoch ms, value]. */
export type Point = [number, number];

/** Index of the point nearest in time to `ts` (points in time order, at least one). */
export function nearestIndex(points: readonly Point[], ts: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as Point)[0] < ts) lo = mid + 1;
    else hi = mid;
  }
  // lo: the first point at or after ts (or the last point); its predecessor may be nearer.
  if (lo > 0 && ts - (points[lo - 1] as Point)[0] <= (points[lo] as Point)[0] - ts) return lo - 1;
  return lo;
}

/**
 * At most `maxPoints` of a series (points in time order), for a chart a few hundred pixels wide:
 * min-max decimation (each of `(maxPoints - kept) / 2` equal-count buckets keeps its lowest and its
 * highest point, so a one-reading spike or dip survives), plus the first and last points and the
 * point nearest each of `keepTs` (alarm and anomaly times, so the marks sit on real readings). More
 * than `maxPoints` only when `keepTs` alone asks for more. Returns a subset of the input, in order.
 *
 * @example
 *   downsample(dayAtOneSecond, 2000, [alarm.ts, truth.startTs, truth.endTs]).length // <= 2000
 */
export function downsample(points: readonly Point[], maxPoints: number, keepTs: readonly number[] = []): Point[] {
  if (points.length <= maxPoints) return [...points];
  const keep = new Set<number>([0, points.length - 1]);
  for (const ts of keepTs) keep.add(nearestIndex(points, ts));
  const buckets = Math.floor((maxPoints - keep.size) / 2);
  if (buckets > 0) {
    const size = points.length / buckets;
    for (let b = 0; b < buckets; b++) {
      const from = Math.floor(b * size);
      const to = Math.min(points.length, Math.floor((b + 1) * size));
      let lo = from;
      let hi = from;
      for (let i = from + 1; i < to; i++) {
        const v = (points[i] as Point)[1];
        if (v < (points[lo] as Point)[1]) lo = i;
        if (v > (points[hi] as Point)[1]) hi = i;
      }
      keep.add(lo);
      keep.add(hi);
    }
  }
  return [...keep].sort((a, b) => a - b).map((i) => points[i] as Point);
}
