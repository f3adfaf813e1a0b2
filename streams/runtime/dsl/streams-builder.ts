import type { StoreBuilder } from '../state/state-store.js';
import { type SourceOptions, Topology } from '../topology/topology.js';
import type { BuilderContext } from './builder-context.js';
import { KStream } from './kstream.js';

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

  /** Adds a store for processor-API steps (connect it with `process(..., { stores: [name] })`). */
  addStateStore(builder: StoreBuilder): this {
    this.topology.addStateStore(builder);
    return this;
  }

  build(): Topology {
    return this.topology;
  }
}
