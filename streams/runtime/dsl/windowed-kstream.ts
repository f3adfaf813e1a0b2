import { ConfigError } from '../../../lib/errors.js';
import type { Materialized } from '../materialized.js';
import { SessionAggregateProcessor } from '../processors/session-aggregate.js';
import { type EmitMode, WindowAggregateProcessor } from '../processors/window-aggregate.js';
import { Serdes, type SyncSerde } from '../serde.js';
import { Stores } from '../state/stores.js';
import type { SessionWindows } from '../windows/session-windows.js';
import type { TimeWindows } from '../windows/time-windows.js';
import type { BuilderContext } from './builder-context.js';
import { storeKeySerde } from './kgrouped-stream.js';
import { WindowedKTable } from './ktable.js';

function retentionOf(step: string, asked: number | undefined, min: number): number {
  const ms = asked ?? min;
  if (ms < min)
    throw new ConfigError(
      `materialized.${step}.retentionMs`,
      `expected at least window size + grace = ${min} ms, got ${ms}`,
    );
  return ms;
}

/**
 * A grouped stream over time windows. Aggregations update every open window containing a record;
 * records whose windows are all closed go to the late-records output.
 *
 * @example
 *   grouped.windowedBy(TimeWindows.ofSizeAndGrace(60_000, 10_000))
 *     .aggregate(() => emptyStats(), (k, v, s) => addReading(s, v), Materialized.as('stats-1m').withValueSerde(statsSerde))
 *     .suppress(Suppressed.untilWindowCloses());
 */
export class TimeWindowedKStream<K, V> {
  constructor(
    private readonly ctx: BuilderContext,
    /** The input step, given the store name (a repartition is named after it). */
    private readonly parentStep: (storeName: string) => string,
    private readonly windows: TimeWindows,
    private readonly keySerde: SyncSerde<K> | undefined,
  ) {}

  aggregate<A>(
    initializer: () => A,
    aggregator: (key: K, value: V, agg: A) => A,
    materialized: Materialized<K, A>,
  ): WindowedKTable<K, A> {
    return this.build(materialized, (k, v, prev) => aggregator(k, v, prev ?? initializer()));
  }

  reduce(reducer: (agg: V, value: V) => V, materialized: Materialized<K, V>): WindowedKTable<K, V> {
    return this.build(materialized, (_k, v, prev) => (prev === undefined ? v : reducer(prev, v)));
  }

  count(materialized: Materialized<K, number>): WindowedKTable<K, number> {
    return this.build(
      materialized.valueSerde ? materialized : materialized.withValueSerde(Serdes.float64()),
      (_k, _v, prev) => (prev ?? 0) + 1,
    );
  }

  private build<A>(
    materialized: Materialized<K, A>,
    aggregate: (key: K, value: V, prev: A | undefined) => A,
  ): WindowedKTable<K, A> {
    const step = materialized.storeName;
    const emit: EmitMode = { mode: 'update' };
    const store = Stores.window(
      step,
      storeKeySerde(materialized, this.keySerde),
      materialized.valueSerde ?? Serdes.json<A>(),
      {
        retentionMs: retentionOf(step, materialized.retentionMs, this.windows.minRetentionMs()),
        logged: materialized.logged,
      },
    );
    const windows = this.windows;
    this.ctx.topology.addDescribedProcessor(
      step,
      () => new WindowAggregateProcessor<K, V, A>({ step, store: step, windows, aggregate, emit }),
      `window-aggregate ${windows.describe()}`,
      this.parentStep(step),
    );
    this.ctx.topology.addStateStore(store, step);
    return new WindowedKTable<K, A>(this.ctx, step, emit);
  }
}

/**
 * A grouped stream over session windows. In update mode, a merged-away session is forwarded with a
 * null value (a tombstone for the old session key).
 */
export class SessionWindowedKStream<K, V> {
  constructor(
    private readonly ctx: BuilderContext,
    /** The input step, given the store name (a repartition is named after it). */
    private readonly parentStep: (storeName: string) => string,
    private readonly windows: SessionWindows,
    private readonly keySerde: SyncSerde<K> | undefined,
  ) {}

  aggregate<A>(
    initializer: () => A,
    aggregator: (key: K, value: V, agg: A) => A,
    merger: (key: K, left: A, right: A) => A,
    materialized: Materialized<K, A>,
  ): WindowedKTable<K, A | null> {
    const step = materialized.storeName;
    const emit: EmitMode = { mode: 'update' };
    const store = Stores.session(
      step,
      storeKeySerde(materialized, this.keySerde),
      materialized.valueSerde ?? Serdes.json<A>(),
      {
        retentionMs: retentionOf(step, materialized.retentionMs, this.windows.minRetentionMs()),
        logged: materialized.logged,
      },
    );
    const windows = this.windows;
    this.ctx.topology.addDescribedProcessor(
      step,
      () =>
        new SessionAggregateProcessor<K, V, A>({ step, store: step, windows, initializer, aggregator, merger, emit }),
      `session-aggregate ${windows.describe()}`,
      this.parentStep(step),
    );
    this.ctx.topology.addStateStore(store, step);
    return new WindowedKTable<K, A | null>(this.ctx, step, emit);
  }

  count(materialized: Materialized<K, number>): WindowedKTable<K, number | null> {
    return this.aggregate(
      () => 0,
      (_k, _v, n) => n + 1,
      (_k, a, b) => a + b,
      materialized.valueSerde ? materialized : materialized.withValueSerde(Serdes.float64()),
    );
  }
}
