import { ConfigError } from '../../../lib/errors.js';
import type { EmitMode } from '../processors/window-aggregate.js';
import { Suppressed } from '../windows/suppressed.js';
import type { Windowed } from '../windows/window.js';
import type { BuilderContext } from './builder-context.js';
import { tableTableJoin } from './joins.js';
import { KStream, type StreamSerdes } from './kstream.js';

/**
 * A table: the latest value per key (Kafka Streams' KTable), from a compacted topic
 * (`StreamsBuilder.table`), an aggregation, or a table-table join. `toStream()` is its changelog
 * stream (a deleted row is a record with a null value). A materialized table (`storeName`) can be
 * joined.
 *
 * @example
 *   const devices = builder.table('telemetry.devices', { keySerde, valueSerde }, Materialized.as('devices'));
 *   readings.leftJoin(devices, (reading, device) => ({ ...reading, site: device?.site ?? null }), 'enrich');
 */
export class KTable<K, V> {
  constructor(
    private readonly ctx: BuilderContext,
    readonly stepName: string,
    /** The store holding the table's rows (undefined: not materialized, cannot be joined). */
    readonly storeName: string | undefined = undefined,
    readonly serdes: StreamSerdes<K, V> = {},
  ) {}

  toStream(): KStream<K, V> {
    return new KStream<K, V>(this.ctx, this.stepName, { keySerde: this.serdes.keySerde });
  }

  /**
   * KTable-KTable inner join: an update of either table joins the other's current row (none, no
   * output); a deleted row yields a tombstone. Both tables must be materialized and co-partitioned.
   */
  join<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, otherValue: VO, key: K) => VR,
    name?: string,
  ): KTable<K, VR | null> {
    return tableTableJoin(this.ctx, this, other, joiner, name);
  }
}

/**
 * The results of a windowed aggregation keyed by `Windowed<K>`. `suppress(Suppressed.untilWindowCloses())`
 * switches the aggregation to emit one final result per window; call it before `toStream`.
 *
 * @example
 *   table.suppress(Suppressed.untilWindowCloses()).toStream().to('agg.1m', { keySerde, valueSerde });
 */
export class WindowedKTable<K, V> {
  private consumed = false;

  constructor(
    private readonly ctx: BuilderContext,
    readonly stepName: string,
    private readonly emit: EmitMode,
  ) {}

  suppress(suppressed: Suppressed): WindowedKTable<K, V> {
    if (this.consumed)
      throw new ConfigError(`topology.${this.stepName}.suppress`, 'expected suppress() before toStream()');
    this.emit.mode = suppressed.mode;
    return this;
  }

  toStream(): KStream<Windowed<K>, V> {
    this.consumed = true;
    return new KStream<Windowed<K>, V>(this.ctx, this.stepName);
  }

  /** The emit mode chosen (`update` unless suppressed). */
  get emitMode(): 'update' | 'final' {
    return this.emit.mode;
  }
}

export { Suppressed };
