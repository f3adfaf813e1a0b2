/**
 * Quantiles from a Prometheus histogram's text exposition (what `histogram_quantile` does: linear
 * interpolation inside the bucket that holds the rank). Pure.
 *
 * @example
 *   histogramQuantile(parseHistogram(metricsText, 'iotp_end_to_end_latency_seconds'), 0.99)
 */
export interface Bucket {
  le: number;
  count: number;
}

/** Sums a histogram's cumulative buckets over the label sets `keep` accepts (default: all). */
export function parseHistogram(text: string, name: string, keep: (labels: string) => boolean = () => true): Bucket[] {
  const sums = new Map<number, number>();
  const pattern = new RegExp(`^${name}_bucket\\{(.*)\\} (\\S+)$`);
  for (const line of text.split('\n')) {
    const m = pattern.exec(line);
    if (!m || !keep(m[1]!)) continue;
    const le = /(?:^|,)le="([^"]+)"/.exec(m[1]!)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    sums.set(bound, (sums.get(bound) ?? 0) + Number(m[2]));
  }
  return [...sums].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** The q-quantile (0..1), or undefined for an empty histogram. */
export function histogramQuantile(buckets: Bucket[], q: number): number | undefined {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Number.POSITIVE_INFINITY) return prevLe; // beyond the last finite bound
      const inBucket = b.count - prevCount;
      return inBucket === 0 ? b.le : prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/** What a histogram counted between two scrapes of the same process (`after` − `before`, per bound). */
export function histogramDelta(before: Bucket[], after: Bucket[]): Bucket[] {
  const was = new Map(before.map((b) => [b.le, b.count]));
  return after.map((b) => ({ le: b.le, count: b.count - (was.get(b.le) ?? 0) }));
}

/**
 * The sink's end-to-end latency histogram for readings only (the `rawTopics`): a window result's
 * event time is its window start, so its latency is mostly the window.
 */
export function readingLatencyHistogram(sinkMetrics: string, rawTopics: readonly string[]): Bucket[] {
  const labelsOf = rawTopics.map((t) => `topic="${t}"`);
  return parseHistogram(sinkMetrics, 'iotp_end_to_end_latency_seconds', (labels) =>
    labelsOf.some((l) => labels.includes(l)),
  );
}
