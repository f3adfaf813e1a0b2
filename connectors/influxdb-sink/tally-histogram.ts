import { Histogram, type HistogramConfiguration } from 'prom-client';

/** What prom-client 15 keeps per label set of a histogram (its `hashMap` values). */
interface HistogramEntry {
  labels: Record<string, string | number>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

interface Tally {
  counts: Float64Array;
  sum: number;
  n: number;
}

/**
 * A histogram with no label or one, for per-record observations: `record(value, labelValue)` counts
 * into local buckets (a prom-client `observe` costs about a microsecond: label validation, hashing,
 * a number-keyed property); the counts reach prom-client when it is read (collect), so scrapes and
 * `get()` see every recorded value. `observe` still works as usual.
 *
 * @example
 *   const e2e = new TallyHistogram({ name: 'x_seconds', help: '...', labelNames: ['topic'], buckets: [0.1, 1] });
 *   e2e.record(0.02, 'telemetry.environment');
 *   await e2e.get(); // count 1 for topic="telemetry.environment", in the 0.1 bucket
 */
export class TallyHistogram extends Histogram<string> {
  private readonly bounds: readonly number[];
  private readonly label: string | undefined;
  private readonly tallies = new Map<string, Tally>();

  constructor(config: Omit<HistogramConfiguration<string>, 'collect' | 'enableExemplars'>) {
    if ((config.labelNames?.length ?? 0) > 1) throw new Error('TallyHistogram takes one label at most');
    super({
      ...config,
      collect() {
        (this as TallyHistogram).flush();
      },
    });
    this.label = config.labelNames?.[0];
    this.bounds = [...(this as unknown as { upperBounds: number[] }).upperBounds];
  }

  /** One observation; `labelValue` is the value of the one label (ignored without a label). */
  record(value: number, labelValue = ''): void {
    let tally = this.tallies.get(labelValue);
    if (tally === undefined) {
      tally = { counts: new Float64Array(this.bounds.length + 1), sum: 0, n: 0 };
      this.tallies.set(labelValue, tally);
    }
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    tally.counts[i] = (tally.counts[i] as number) + 1;
    tally.sum += value;
    tally.n++;
  }

  private flush(): void {
    for (const [labelValue, tally] of this.tallies) {
      if (tally.n === 0) continue;
      const labels: Record<string, string> = this.label === undefined ? {} : { [this.label]: labelValue };
      const entry = this.entryFor(labels);
      for (let i = 0; i < this.bounds.length; i++) {
        const c = tally.counts[i] as number;
        const bound = this.bounds[i] as number;
        if (c > 0) entry.bucketValues[bound] = (entry.bucketValues[bound] ?? 0) + c;
      }
      entry.sum += tally.sum;
      entry.count += tally.n;
      tally.counts.fill(0);
      tally.sum = 0;
      tally.n = 0;
    }
  }

  private entryFor(labels: Record<string, string>): HistogramEntry {
    const find = () =>
      Object.values((this as unknown as { hashMap: Record<string, HistogramEntry> }).hashMap).find(
        (e) => this.label === undefined || e.labels?.[this.label] === labels[this.label],
      );
    let entry = find();
    if (entry === undefined) {
      this.zero(labels);
      entry = find();
    }
    if (entry === undefined || typeof entry.sum !== 'number' || typeof entry.bucketValues !== 'object')
      throw new Error("prom-client's histogram layout is not the one TallyHistogram was written for");
    return entry;
  }
}
