import { validateName } from './names.js';
import type { SyncSerde } from './serde.js';

/**
 * How a DSL aggregation keeps its state: the store name (from which the changelog topic
 * `<application.id>-<name>-changelog` and metric labels derive), serdes, retention and logging.
 * Immutable: every `with*` returns a new value.
 *
 * @example
 *   Materialized.as<string, Stats>('stats-1m').withValueSerde(statsSerde).withRetention(3_600_000)
 */
export class Materialized<K, V> {
  private constructor(
    readonly storeName: string,
    readonly keySerde: SyncSerde<K> | undefined,
    readonly valueSerde: SyncSerde<V> | undefined,
    readonly retentionMs: number | undefined,
    readonly logged: boolean,
  ) {}

  static as<K, V>(storeName: string): Materialized<K, V> {
    return new Materialized<K, V>(
      validateName('materialized.storeName', storeName),
      undefined,
      undefined,
      undefined,
      true,
    );
  }

  withKeySerde(serde: SyncSerde<K>): Materialized<K, V> {
    return new Materialized(this.storeName, serde, this.valueSerde, this.retentionMs, this.logged);
  }

  withValueSerde(serde: SyncSerde<V>): Materialized<K, V> {
    return new Materialized(this.storeName, this.keySerde, serde, this.retentionMs, this.logged);
  }

  /** Windowed stores: at least size + grace (checked when the step is built). */
  withRetention(ms: number): Materialized<K, V> {
    return new Materialized(this.storeName, this.keySerde, this.valueSerde, ms, this.logged);
  }

  /** State without a changelog: lost on restart (tests, or state rebuilt otherwise). */
  withLoggingDisabled(): Materialized<K, V> {
    return new Materialized(this.storeName, this.keySerde, this.valueSerde, this.retentionMs, false);
  }
}
