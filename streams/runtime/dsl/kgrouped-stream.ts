import { ConfigError } from '../../../lib/errors.js';
import type { Materialized } from '../materialized.js';
import { KeyValueAggregateProcessor } from '../processors/kv-aggregate.js';
import { type Serde, Serdes, type SyncSerde } from '../serde.js';
import { Stores } from '../state/stores.js';
import { SessionWindows } from '../windows/session-windows.js';
import type { TimeWindows } from '../windows/time-windows.js';
import { addRepartition } from './add-repartition.js';
import type { BuilderContext } from './builder-context.js';
import { KTable } from './ktable.js';
import { SessionWindowedKStream, TimeWindowedKStream } from './windowed-kstream.js';

/** The serde of a store's keys: Materialized's, else groupByKey's, else a ConfigError naming the key. */
export function storeKeySerde<K>(
  materialized: Materialized<K, unknown>,
  grouped: SyncSerde<K> | undefined,
): SyncSerde<K> {
  const serde = materialized.keySerde ?? grouped;
  if (serde === undefined)
    throw new ConfigError(
      `materialized.${materialized.storeName}.keySerde`,
      'expected a key serde (Materialized.withKeySerde or groupByKey({ keySerde }))',
    );
  return serde;
}

/**
 * A stream grouped by key, ready to aggregate (Kafka Streams' KGroupedStream). Aggregations need a
 * `Materialized` whose store name names the step, its store and its changelog.
 *
 * @example
 *   stream.groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000)).count(Materialized.as('count-1m'));
 */
export class KGroupedStream<K, V> {
  private readonly repartitions = new Map<string, string>();

  constructor(
    private readonly ctx: BuilderContext,
    private readonly parentStep: string,
    private readonly serdes: { keySerde?: SyncSerde<K> },
    /** Set when the key was changed upstream: the aggregation reads a repartition topic. */
    private readonly repartition?: { name?: string; keySerde?: Serde<K>; valueSerde?: Serde<V> },
  ) {}

  /**
   * The step an aggregation reads: the parent, or (key changed) the source of the repartition topic
   * `<Grouped name, else the store name>-repartition`, as Kafka Streams names it.
   */
  private inputStep(storeName: string): string {
    const r = this.repartition;
    if (r === undefined) return this.parentStep;
    const name = r.name ?? storeName;
    let source = this.repartitions.get(name);
    if (source === undefined) {
      source = addRepartition(this.ctx, this.parentStep, name, r);
      this.repartitions.set(name, source);
    }
    return source;
  }

  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    if (windows instanceof SessionWindows)
      return new SessionWindowedKStream<K, V>(this.ctx, (s) => this.inputStep(s), windows, this.serdes.keySerde);
    return new TimeWindowedKStream<K, V>(this.ctx, (s) => this.inputStep(s), windows, this.serdes.keySerde);
  }

  /** Aggregate per key with no window; the store needs a retention (Materialized.withRetention). */
  aggregate<A>(
    initializer: () => A,
    aggregator: (key: K, value: V, agg: A) => A,
    materialized: Materialized<K, A>,
  ): KTable<K, A> {
    return this.build(materialized, (k, v, prev) => aggregator(k, v, prev ?? initializer()));
  }

  reduce(reducer: (agg: V, value: V) => V, materialized: Materialized<K, V>): KTable<K, V> {
    return this.build(materialized, (_k, v, prev) => (prev === undefined ? v : reducer(prev, v)));
  }

  count(materialized: Materialized<K, number>): KTable<K, number> {
    return this.build(
      materialized.valueSerde ? materialized : materialized.withValueSerde(Serdes.float64()),
      (_k, _v, prev) => (prev ?? 0) + 1,
    );
  }

  private build<A>(
    materialized: Materialized<K, A>,
    aggregate: (key: K, value: V, prev: A | undefined) => A,
  ): KTable<K, A> {
    const step = materialized.storeName;
    if (materialized.retentionMs === undefined)
      throw new ConfigError(`materialized.${step}.retentionMs`, 'expected a retention for a key-value aggregation');
    const store = Stores.keyValue(
      step,
      storeKeySerde(materialized, this.serdes.keySerde),
      materialized.valueSerde ?? Serdes.json<A>(),
      { retentionMs: materialized.retentionMs, logged: materialized.logged },
    );
    this.ctx.topology.addDescribedProcessor(
      step,
      () => new KeyValueAggregateProcessor<K, V, A>({ step, store: step, aggregate }),
      'aggregate',
      this.inputStep(step),
    );
    this.ctx.topology.addStateStore(store, step);
    return new KTable<K, A>(this.ctx, step, step, { keySerde: this.serdes.keySerde });
  }
}
