import { Histogram, type HistogramConfiguration } from 'prom-client';

/** What prom-client 15 keeps per label set of a histogram (its `hashMap` values). */
interface HistogramEntry {
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * An unlabelled histogram for per-message observations: `record(value)` counts into a local
 * bucket array (a prom-client `observe` costs about a microsecond: a closure, label validation and
 * hashing, a number-keyed property); the counts reach prom-client when it is read (collect), so
 * scrapes and `get()` see every recorded value. `observe` still works as usual.
 *
 * @example
 *   const latency = new TallyHistogram({ name: 'x_seconds', help: '...', buckets: [0.01, 0.1, 1] });
 *   latency.record(0.02);
 *   await latency.get(); // count 1, in the 0.1 bucket
 */
export class TallyHistogram extends Histogram {
  private readonly bounds: readonly number[];
  private readonly counts: Float64Array;
  private sum = 0;
  private n = 0;

  constructor(config: Omit<HistogramConfiguration<string>, 'labelNames' | 'collect' | 'enableExemplars'>) {
    super({
      ...config,
      collect() {
        (this as TallyHistogram).flush();
      },
    });
    this.bounds = [...(this as unknown as { upperBounds: number[] }).upperBounds];
    this.counts = new Float64Array(this.bounds.length + 1);
  }

  record(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.n++;
  }

  private flush(): void {
    if (this.n === 0) return;
    const entries = Object.values((this as unknown as { hashMap: Record<string, HistogramEntry> }).hashMap);
    const entry = entries[0];
    if (entries.length !== 1 || entry === undefined || typeof entry.sum !== 'number')
      throw new Error("prom-client's histogram layout is not the one TallyHistogram was written for");
    for (let i = 0; i < this.bounds.length; i++) {
      const c = this.counts[i] as number;
      if (c > 0) entry.bucketValues[this.bounds[i] as number] = (entry.bucketValues[this.bounds[i] as number] ?? 0) + c;
    }
    entry.sum += this.sum;
    entry.count += this.n;
    this.counts.fill(0);
    this.sum = 0;
    this.n = 0;
  }
}
