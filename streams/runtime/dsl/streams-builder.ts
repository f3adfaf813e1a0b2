import type { Materialized } from '../materialized.js';
import { KTableSourceProcessor } from '../processors/joins/ktable-source.js';
import { Serdes, type SyncSerde } from '../serde.js';
import type { StoreBuilder } from '../state/state-store.js';
import { Stores } from '../state/stores.js';
import { type SourceOptions, Topology } from '../topology/topology.js';
import type { BuilderContext } from './builder-context.js';
import { KStream } from './kstream.js';
import { KTable } from './ktable.js';

/**
 * The DSL's entry point: `stream()` adds sources, the returned KStream adds steps, `build()` returns
 * the Topology.
 *
 * @example
 *   const b = new StreamsBuilder();
 *   b.stream('in', { keySerde: Serdes.string(), valueSerde: Serdes.json<Reading>() }, 'readings')
 *     .groupByKey()
 *     .windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000))
 *     .count(Materialized.as('count-1m'))
 *     .suppress(Suppressed.untilWindowCloses())
 *     .toStream()
 *     .to('out', { keySerde: Serdes.windowed(Serdes.string()), valueSerde: Serdes.float64() });
 *   const topology = b.build();
 */
export class StreamsBuilder {
  private readonly topology = new Topology();
  private counter = 0;
  private readonly ctx: BuilderContext = {
    topology: this.topology,
    nextName: (kind) => `${kind}-${++this.counter}`,
  };

  stream<K, V>(topics: string | readonly string[], options: SourceOptions<K, V>, name?: string): KStream<K, V> {
    const step = name ?? this.ctx.nextName('source');
    this.topology.addSource(step, topics, options);
    return new KStream<K, V>(this.ctx, step, { keySerde: options.keySerde, valueSerde: options.valueSerde });
  }

  /**
   * A table from a compacted topic (Kafka Streams' `builder.table`): the step `<store>` keeps the
   * latest value per key in the store `<store>` (changelog `<application.id>-<store>-changelog`,
   * restored before the task processes), and a null value deletes the row. Rows do not expire unless
   * `materialized.withRetention` says (a KTable has no retention in Kafka Streams). The store's serdes
   * are Materialized's, else the source's key serde (it must be synchronous) and JSON values.
   *
   * @example
   *   const devices = b.table('telemetry.devices', { keySerde: Serdes.string(), valueSerde: deviceSerde },
   *     Materialized.as<string, Device>('devices'));
   */
  table<K, V>(topic: string, options: SourceOptions<K, V>, materialized: Materialized<K, V>): KTable<K, V> {
    const store = materialized.storeName;
    const source = `${store}-source`;
    this.topology.addSource(source, topic, { ...options, tombstones: true });
    const keySerde = materialized.keySerde ?? (options.keySerde as SyncSerde<K>);
    this.topology.addDescribedProcessor(
      store,
      () => new KTableSourceProcessor<K, V>({ step: store, store }),
      `table ${topic}`,
      source,
    );
    this.topology.addStateStore(
      Stores.keyValue(store, keySerde, materialized.valueSerde ?? Serdes.json<V>(), {
        retentionMs: materialized.retentionMs ?? Number.MAX_SAFE_INTEGER,
        logged: materialized.logged,
      }),
      store,
    );
    return new KTable<K, V>(this.ctx, store, store, { keySerde: options.keySerde, valueSerde: options.valueSerde });
  }

  /** Adds a store for processor-API steps (connect it with `process(..., { stores: [name] })`). */
  addStateStore(builder: StoreBuilder): this {
    this.topology.addStateStore(builder);
    return this;
  }

  build(): Topology {
    return this.topology;
  }
}
