/**
 * Consumer lag in seconds, estimated the way kafka-lag-exporter does: keep a short history of each
 * partition's high watermark over wall-clock time, and read off *when* the high watermark stood at
 * the group's committed offset; the lag is the time since then (how long the oldest unconsumed
 * record has been waiting). Pure: the caller supplies the clock.
 *
 * @example
 *   const est = new LagTimeEstimator();
 *   est.observe('t', 0, '100', 0);
 *   est.observe('t', 0, '200', 10_000);
 *   est.estimateSeconds('t', 0, '150', 12_000); // 7: offset 150 was the end 5 s after t=0
 */
interface Sample {
  high: bigint;
  atMs: number;
}

export class LagTimeEstimator {
  private readonly samples = new Map<string, Sample[]>();

  /** @param maxSamples history kept per partition (older samples are dropped). */
  constructor(private readonly maxSamples = 120) {}

  /** Records the partition's high watermark at a wall-clock time (call it on every poll). */
  observe(topic: string, partition: number, high: string, atMs: number): void {
    const key = `${topic}\u0000${partition}`;
    const list = this.samples.get(key) ?? [];
    const value = BigInt(high);
    const last = list[list.length - 1];
    if (last && value < last.high) list.length = 0; // the topic was recreated: start over
    if (last && value === last.high && list.length >= 2 && list[list.length - 2]!.high === value) {
      last.atMs = atMs; // a flat stretch needs only its first and last sample
    } else {
      list.push({ high: value, atMs });
    }
    if (list.length > this.maxSamples) list.splice(0, list.length - this.maxSamples);
    this.samples.set(key, list);
  }

  /**
   * Seconds since the high watermark was at `committed`; 0 when the group is caught up; undefined
   * with no history. Before the oldest sample it extrapolates at the observed rate; with no rate it
   * returns the age of the oldest sample (a lower bound).
   */
  estimateSeconds(topic: string, partition: number, committed: string, nowMs: number): number | undefined {
    const list = this.samples.get(`${topic}\u0000${partition}`);
    if (!list || list.length === 0) return undefined;
    const offset = BigInt(committed);
    const newest = list[list.length - 1]!;
    if (offset >= newest.high) return 0;
    const oldest = list[0]!;
    if (offset < oldest.high) {
      const span = newest.atMs - oldest.atMs;
      const grown = Number(newest.high - oldest.high);
      if (span <= 0 || grown <= 0) return Math.max(0, (nowMs - oldest.atMs) / 1000);
      const ratePerMs = grown / span;
      const at = oldest.atMs - Number(oldest.high - offset) / ratePerMs;
      return Math.max(0, (nowMs - at) / 1000);
    }
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      if (offset >= a.high && offset < b.high) {
        // the record at `offset` arrived between a and b: interpolate linearly
        const fraction = Number(offset - a.high) / Number(b.high - a.high);
        const at = a.atMs + fraction * (b.atMs - a.atMs);
        return Math.max(0, (nowMs - at) / 1000);
      }
    }
    return 0;
  }
}
