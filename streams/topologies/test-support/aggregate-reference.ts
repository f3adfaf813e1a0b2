/**
 * The independent computation the aggregate integration test compares with: a plain simulation of
 * event-time windows (stream time per partition = max event time so far; a window takes a record
 * while stream time < end + grace) and plain reduces over each window's accepted values. It shares
 * no code with the topology.
 */
export interface RefReading {
  type: string;
  partition: number;
  deviceId: string;
  ts: number;
  site: string;
  values: Record<string, number | null>;
}

export interface RefWindow {
  name: string;
  sizeMs: number;
  graceMs: number;
  hopMs?: number;
}

export interface RefFieldStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  sum: number;
  stddev: number;
  first: number;
  last: number;
  /** Exact values of rank floor(q·(n-1)). */
  p50: number;
  p95: number;
  p99: number;
}

export interface RefResult {
  step: string;
  deviceId: string;
  windowStart: number;
  windowEnd: number;
  count: number;
  site: string;
  fields: Record<string, RefFieldStats>;
}

export interface RefLate {
  step: string;
  deviceId: string;
  ts: number;
}

/** `readings` in processing order (per partition, the order the worker sees them). */
export function referenceAggregate(
  readings: readonly RefReading[],
  windows: readonly RefWindow[],
): { results: Map<string, RefResult>; late: RefLate[] } {
  const streamTime = new Map<number, number>();
  const buckets = new Map<
    string,
    {
      partition: number;
      step: string;
      deviceId: string;
      start: number;
      end: number;
      graceMs: number;
      rows: RefReading[];
    }
  >();
  const late: RefLate[] = [];
  for (const r of readings) {
    const st = Math.max(streamTime.get(r.partition) ?? Number.NEGATIVE_INFINITY, r.ts);
    streamTime.set(r.partition, st);
    for (const w of windows) {
      const hop = w.hopMs ?? w.sizeMs;
      const step = `${r.type}-${w.name}`;
      let refused = false;
      for (let start = Math.floor(r.ts / hop) * hop; start > r.ts - w.sizeMs && start >= 0; start -= hop) {
        const end = start + w.sizeMs;
        if (st >= end + w.graceMs) {
          refused = true;
          continue;
        }
        const id = `${step}|${r.deviceId}|${start}`;
        let b = buckets.get(id);
        if (b === undefined) {
          b = { partition: r.partition, step, deviceId: r.deviceId, start, end, graceMs: w.graceMs, rows: [] };
          buckets.set(id, b);
        }
        b.rows.push(r);
      }
      if (refused) late.push({ step, deviceId: r.deviceId, ts: r.ts });
    }
  }
  const results = new Map<string, RefResult>();
  for (const [id, b] of buckets) {
    if ((streamTime.get(b.partition) ?? Number.NEGATIVE_INFINITY) < b.end + b.graceMs) continue;
    results.set(id, {
      step: b.step,
      deviceId: b.deviceId,
      windowStart: b.start,
      windowEnd: b.end,
      count: b.rows.length,
      site: b.rows.reduce((best, r) => (r.ts >= best.ts ? r : best)).site,
      fields: fieldsOf(b.rows),
    });
  }
  return { results, late };
}

function fieldsOf(rows: readonly RefReading[]): Record<string, RefFieldStats> {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.values)))];
  const out: Record<string, RefFieldStats> = {};
  for (const name of names) {
    const pts = rows.flatMap((r) => {
      const v = r.values[name];
      return v === null || v === undefined ? [] : [{ v, ts: r.ts }];
    });
    if (pts.length === 0) continue;
    const xs = pts.map((p) => p.v);
    const n = xs.length;
    const sum = xs.reduce((a, b) => a + b, 0);
    const mean = sum / n;
    const sorted = [...xs].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.floor(q * (n - 1))] as number;
    const first = pts.reduce((best, p) => (p.ts < best.ts ? p : best));
    const last = pts.reduce((best, p) => (p.ts >= best.ts ? p : best));
    out[name] = {
      count: n,
      min: sorted[0] as number,
      max: sorted[n - 1] as number,
      mean,
      sum,
      stddev: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n),
      first: first.v,
      last: last.v,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
    };
  }
  return out;
}
