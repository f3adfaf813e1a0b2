import { ConfigError } from '../../../lib/errors.js';
import type { ProcessorSupplier } from '../processor/processor.js';
import { BranchProcessor, StatelessProcessor } from '../processors/stateless.js';
import type { StreamRecord } from '../record.js';
import type { Serde, SyncSerde } from '../serde.js';
import type { SinkOptions } from '../topology/topology.js';
import { JoinWindows } from '../windows/join-windows.js';
import { addRepartition } from './add-repartition.js';
import type { BuilderContext } from './builder-context.js';
import { type StreamJoined, streamStreamJoin, streamTableJoin } from './joins.js';
import { KGroupedStream } from './kgrouped-stream.js';
import { KTable } from './ktable.js';
import type { Repartitioned } from './repartitioned.js';

/** Kafka Streams' Grouped: the repartition topic's name (after a key change) and serdes. */
export interface Grouped<K, V> {
  name?: string;
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
}

/** Serdes known to hold for a stream's records (kept through steps that do not change the type). */
export interface StreamSerdes<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
}

/**
 * A stream of records (Kafka Streams' KStream): each call adds a step to the topology and returns a
 * new stream. `name` arguments set the step name (else `<kind>-<n>`).
 *
 * @example
 *   builder.stream('telemetry.temp', { keySerde: Serdes.string(), valueSerde: Serdes.json<Reading>() })
 *     .filter((k, v) => v.celsius > -50, 'plausible')
 *     .mapValues((v) => v.celsius)
 *     .to('celsius', { keySerde: Serdes.string(), valueSerde: Serdes.float64() });
 */
export class KStream<K, V> {
  constructor(
    private readonly ctx: BuilderContext,
    /** The step whose output this stream is. */
    readonly stepName: string,
    readonly serdes: StreamSerdes<K, V> = {},
    /**
     * The key was changed (selectKey, map, flatMap) since the records were partitioned: grouping or
     * joining goes through a repartition topic first (as in Kafka Streams).
     */
    readonly repartitionRequired = false,
  ) {}

  private stateless<K2, V2>(
    kind: string,
    name: string | undefined,
    fn: (record: StreamRecord<K, V>, emit: (record: StreamRecord<K2, V2>) => void) => void,
    serdes: StreamSerdes<K2, V2>,
    keyChanging = false,
  ): KStream<K2, V2> {
    const step = name ?? this.ctx.nextName(kind);
    this.ctx.topology.addDescribedProcessor(step, () => new StatelessProcessor(fn), kind, this.stepName);
    return new KStream<K2, V2>(this.ctx, step, serdes, keyChanging || this.repartitionRequired);
  }

  filter(predicate: (key: K, value: V) => boolean, name?: string): KStream<K, V> {
    return this.stateless<K, V>(
      'filter',
      name,
      (r, emit) => {
        if (predicate(r.key, r.value)) emit(r);
      },
      this.serdes,
    );
  }

  filterNot(predicate: (key: K, value: V) => boolean, name?: string): KStream<K, V> {
    return this.filter((k, v) => !predicate(k, v), name ?? this.ctx.nextName('filterNot'));
  }

  map<K2, V2>(fn: (key: K, value: V) => readonly [K2, V2], name?: string): KStream<K2, V2> {
    return this.stateless<K2, V2>(
      'map',
      name,
      (r, emit) => {
        const [key, value] = fn(r.key, r.value);
        emit({ key, value, timestamp: r.timestamp, headers: r.headers });
      },
      {},
      true,
    );
  }

  mapValues<V2>(fn: (value: V, key: K) => V2, name?: string): KStream<K, V2> {
    return this.stateless<K, V2>(
      'mapValues',
      name,
      (r, emit) => {
        emit({ key: r.key, value: fn(r.value, r.key), timestamp: r.timestamp, headers: r.headers });
      },
      { keySerde: this.serdes.keySerde },
    );
  }

  flatMap<K2, V2>(fn: (key: K, value: V) => Iterable<readonly [K2, V2]>, name?: string): KStream<K2, V2> {
    return this.stateless<K2, V2>(
      'flatMap',
      name,
      (r, emit) => {
        for (const [key, value] of fn(r.key, r.value)) emit({ key, value, timestamp: r.timestamp, headers: r.headers });
      },
      {},
      true,
    );
  }

  flatMapValues<V2>(fn: (value: V, key: K) => Iterable<V2>, name?: string): KStream<K, V2> {
    return this.stateless<K, V2>(
      'flatMapValues',
      name,
      (r, emit) => {
        for (const value of fn(r.value, r.key)) emit({ key: r.key, value, timestamp: r.timestamp, headers: r.headers });
      },
      { keySerde: this.serdes.keySerde },
    );
  }

  peek(fn: (key: K, value: V) => void, name?: string): KStream<K, V> {
    return this.stateless<K, V>(
      'peek',
      name,
      (r, emit) => {
        fn(r.key, r.value);
        emit(r);
      },
      this.serdes,
    );
  }

  /** One stream of the records of both. */
  merge(other: KStream<K, V>, name?: string): KStream<K, V> {
    const step = name ?? this.ctx.nextName('merge');
    this.ctx.topology.addDescribedProcessor(
      step,
      () => new StatelessProcessor<K, V, K, V>((r, emit) => emit(r)),
      'merge',
      this.stepName,
      other.stepName,
    );
    return new KStream<K, V>(this.ctx, step, this.serdes, this.repartitionRequired || other.repartitionRequired);
  }

  /**
   * Routes each record to the first branch whose predicate holds.
   *
   * @example
   *   const b = stream.split('route').branch('hot', (k, v) => v > 30).defaultBranch('rest');
   *   b['route-hot'].to(...);
   */
  split(name?: string): BranchedKStream<K, V> {
    return new BranchedKStream(this.ctx, this, name ?? this.ctx.nextName('split'));
  }

  /** A custom processor (the processor API) as a step; `stores` must be added to the builder first. */
  process<K2, V2>(
    supplier: ProcessorSupplier<K, V, K2, V2>,
    options: { name: string; stores?: string[] },
  ): KStream<K2, V2> {
    this.ctx.topology.addDescribedProcessor(options.name, supplier, 'process', this.stepName);
    for (const s of options.stores ?? []) this.ctx.topology.connectProcessorAndStateStores(s, options.name);
    return new KStream<K2, V2>(this.ctx, options.name, {});
  }

  /**
   * A new key for each record (Kafka Streams' selectKey): the value, timestamp and headers stay. A
   * later groupByKey or join repartitions by the new key, with `keySerde` (else Grouped's or
   * Repartitioned's).
   */
  selectKey<K2>(fn: (key: K, value: V) => K2, name?: string, keySerde?: Serde<K2>): KStream<K2, V> {
    return this.stateless<K2, V>(
      'selectKey',
      name,
      (r, emit) => {
        emit({ key: fn(r.key, r.value), value: r.value, timestamp: r.timestamp, headers: r.headers });
      },
      { keySerde, valueSerde: this.serdes.valueSerde },
      true,
    );
  }

  /**
   * Writes the records to the internal topic `<application.id>-<name>-repartition`, partitioned by
   * key, and reads them back (Kafka Streams' repartition): downstream steps then see each key in one
   * task. The topic has the writing sub-topology's partition count unless `numberOfPartitions` says.
   */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const name = repartitioned?.name ?? this.ctx.nextName('repartition');
    const serdes = {
      keySerde: repartitioned?.keySerde ?? this.serdes.keySerde,
      valueSerde: repartitioned?.valueSerde ?? this.serdes.valueSerde,
    };
    const source = addRepartition(this.ctx, this.stepName, name, serdes, repartitioned?.numberOfPartitions);
    return new KStream<K, V>(this.ctx, source, serdes);
  }

  /**
   * Groups by the current key. After a key change (selectKey, map, flatMap) the aggregation reads a
   * repartition topic named after `grouped.name`, else the aggregation's store.
   */
  groupByKey(grouped: Grouped<K, V> = {}): KGroupedStream<K, V> {
    const keySerde = grouped.keySerde ?? this.serdes.keySerde;
    return new KGroupedStream<K, V>(
      this.ctx,
      this.stepName,
      { keySerde: keySerde as SyncSerde<K> | undefined },
      this.repartitionRequired
        ? { name: grouped.name, keySerde, valueSerde: grouped.valueSerde ?? this.serdes.valueSerde }
        : undefined,
    );
  }

  /** Groups by a new key: selectKey then groupByKey, through a repartition topic. */
  groupBy<K2>(fn: (key: K, value: V) => K2, grouped: Grouped<K2, V> = {}): KGroupedStream<K2, V> {
    return this.selectKey(fn, grouped.name === undefined ? undefined : `${grouped.name}-select-key`).groupByKey(
      grouped,
    );
  }

  /**
   * KStream-KTable inner join: each record is joined with the table's current row for its key (none,
   * no output); KStream-KStream inner join (with JoinWindows): with each record of the other stream
   * whose timestamp is within the windows. Sides whose key changed are repartitioned first.
   */
  join<VT, VR>(
    table: KTable<K, VT> | KTable<NonNullable<K>, VT>,
    joiner: (value: V, tableValue: VT, key: K) => VR,
    name?: string,
  ): KStream<K, VR>;
  join<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO, key: K) => VR,
    windows: JoinWindows,
    joined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  join<VO, VR>(
    other: KTable<K, VO> | KTable<NonNullable<K>, VO> | KStream<K, VO>,
    joiner: (value: V, otherValue: VO, key: K) => VR,
    nameOrWindows?: string | JoinWindows,
    joined: StreamJoined<K, V, VO> = {},
  ): KStream<K, VR> {
    if (other instanceof KTable) {
      const name = typeof nameOrWindows === 'string' ? nameOrWindows : undefined;
      const table = other as KTable<K, VO>;
      return streamTableJoin<K, V, VO, VR>(this.ctx, this, table, (v, vt, k) => joiner(v, vt as VO, k), false, name);
    }
    if (!(nameOrWindows instanceof JoinWindows))
      throw new ConfigError(`topology.${joined.name ?? 'join'}`, 'expected JoinWindows for a stream-stream join');
    return streamStreamJoin(this.ctx, this, other, joiner, nameOrWindows, joined);
  }

  /** KStream-KTable left join: a record with no table row is joined with null. */
  leftJoin<VT, VR>(
    table: KTable<K, VT> | KTable<NonNullable<K>, VT>,
    joiner: (value: V, tableValue: VT | null, key: K) => VR,
    name?: string,
  ): KStream<K, VR> {
    return streamTableJoin(this.ctx, this, table as KTable<K, VT>, joiner, true, name);
  }

  to(topic: string, options: SinkOptions<K, V> & { name?: string }): void {
    this.ctx.topology.addSink(options.name ?? this.ctx.nextName('to'), topic, options, this.stepName);
  }
}

/** The branches of a `split`, named `<split name>-<branch name>`. */
export class BranchedKStream<K, V> {
  private readonly branches: { name: string; predicate: (key: K, value: V) => boolean }[] = [];
  private done = false;

  constructor(
    private readonly ctx: BuilderContext,
    private readonly parent: KStream<K, V>,
    private readonly name: string,
  ) {}

  branch(name: string, predicate: (key: K, value: V) => boolean): this {
    if (this.done) throw new ConfigError(`topology.${this.name}`, 'branch() after defaultBranch()/noDefaultBranch()');
    this.branches.push({ name: `${this.name}-${name}`, predicate });
    return this;
  }

  defaultBranch(name = 'default'): Record<string, KStream<K, V>> {
    return this.finish(`${this.name}-${name}`);
  }

  noDefaultBranch(): Record<string, KStream<K, V>> {
    return this.finish(undefined);
  }

  private finish(defaultChild: string | undefined): Record<string, KStream<K, V>> {
    this.done = true;
    const branches = [...this.branches];
    this.ctx.topology.addDescribedProcessor(
      this.name,
      () =>
        new BranchProcessor<K, V>(
          branches.map((b) => ({ child: b.name, predicate: b.predicate })),
          defaultChild,
        ),
      'split',
      this.parent.stepName,
    );
    const out: Record<string, KStream<K, V>> = {};
    const names = [...branches.map((b) => b.name), ...(defaultChild ? [defaultChild] : [])];
    for (const n of names) {
      this.ctx.topology.addDescribedProcessor(
        n,
        () => new StatelessProcessor<K, V, K, V>((r, emit) => emit(r)),
        'branch',
        this.name,
      );
      out[n] = new KStream<K, V>(this.ctx, n, this.parent.serdes, this.parent.repartitionRequired);
    }
    return out;
  }
}
