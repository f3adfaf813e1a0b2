import { ConfigError } from '../../../lib/errors.js';
import type { EmitMode } from '../processors/window-aggregate.js';
import { Suppressed } from '../windows/suppressed.js';
import type { Windowed } from '../windows/window.js';
import type { BuilderContext } from './builder-context.js';
import { KStream } from './kstream.js';

/** The updates of a per-key aggregation (a changelog stream). */
export class KTable<K, V> {
  constructor(
    private readonly ctx: BuilderContext,
    readonly stepName: string,
  ) {}

  toStream(): KStream<K, V> {
    return new KStream<K, V>(this.ctx, this.stepName);
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
