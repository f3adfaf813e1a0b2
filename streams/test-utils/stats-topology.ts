import { IotpError } from '../../lib/errors.js';
import { StreamsBuilder } from '../runtime/dsl/streams-builder.js';
import { Materialized } from '../runtime/materialized.js';
import { type Serde, Serdes, type SyncSerde } from '../runtime/serde.js';
import type { Topology } from '../runtime/topology/topology.js';
import { Suppressed } from '../runtime/windows/suppressed.js';
import { TimeWindows } from '../runtime/windows/time-windows.js';
import type { Windowed } from '../runtime/windows/window.js';

/** Running count/min/max/sum of one numeric field in one window. */
export interface Stats {
  count: number;
  min: number;
  max: number;
  sum: number;
}

/** A window result as written by the stats topology (JSON). */
export interface StatsResult {
  deviceId: string;
  windowStart: number;
  windowEnd: number;
  count: number;
  min: number;
  max: number;
  mean: number;
}

/** 28 bytes: uint32 count + float64 min, max, sum (big-endian). */
export const statsSerde: SyncSerde<Stats> = {
  serialize: (s) => {
    const b = Buffer.allocUnsafe(28);
    b.writeUInt32BE(s.count, 0);
    b.writeDoubleBE(s.min, 4);
    b.writeDoubleBE(s.max, 12);
    b.writeDoubleBE(s.sum, 20);
    return b;
  },
  deserialize: (b) => {
    if (b === null || b.length !== 28)
      throw new IotpError('SERDE_INVALID', `stats serde: expected 28 bytes, got ${b === null ? 'null' : b.length}`);
    return { count: b.readUInt32BE(0), min: b.readDoubleBE(4), max: b.readDoubleBE(12), sum: b.readDoubleBE(20) };
  },
};

export function addValue(s: Stats | undefined, v: number): Stats {
  if (s === undefined) return { count: 1, min: v, max: v, sum: v };
  return { count: s.count + 1, min: Math.min(s.min, v), max: Math.max(s.max, v), sum: s.sum + v };
}

export function toResult(w: Windowed<string>, s: Stats): StatsResult {
  return {
    deviceId: w.key,
    windowStart: w.window.start,
    windowEnd: w.window.end,
    count: s.count,
    min: s.min,
    max: s.max,
    mean: s.sum / s.count,
  };
}

export interface StatsTopologyOptions<V> {
  input: string;
  output: string;
  windowMs: number;
  graceMs: number;
  /** How to read the input value (default: JSON `{ value: number }`). */
  valueSerde?: Serde<V>;
  /** The numeric field to aggregate (default: `value.value`). */
  pick?: (value: V) => number;
  /** Final results only (default) or every update. */
  emit?: 'final' | 'update';
  storeName?: string;
}

/**
 * The reference windowed topology of tests and benchmarks: per device (key), tumbling windows of
 * count/min/max/mean of one numeric field, one final JSON result per window.
 *
 * @example
 *   const t = statsTopology({ input: 'readings', output: 'stats', windowMs: 60_000, graceMs: 0 });
 */
export function statsTopology<V = { value: number }>(options: StatsTopologyOptions<V>): Topology {
  const builder = new StreamsBuilder();
  const pick = options.pick ?? ((v: V) => (v as { value: number }).value);
  const table = builder
    .stream<string, V>(
      options.input,
      { keySerde: Serdes.string(), valueSerde: options.valueSerde ?? (Serdes.json<V>() as Serde<V>) },
      'readings',
    )
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(options.windowMs, options.graceMs))
    .aggregate<Stats>(
      () => ({ count: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, sum: 0 }),
      (_k, v, s) => addValue(s.count === 0 ? undefined : s, pick(v)),
      Materialized.as<string, Stats>(options.storeName ?? 'stats').withValueSerde(statsSerde),
    );
  const emitted = options.emit === 'update' ? table : table.suppress(Suppressed.untilWindowCloses());
  emitted
    .toStream()
    .map((w, s) => [w.key, toResult(w, s)] as const, 'to-result')
    .to(options.output, { keySerde: Serdes.string(), valueSerde: Serdes.json<StatsResult>(), name: 'results' });
  return builder.build();
}
