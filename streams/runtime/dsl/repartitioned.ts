import type { Serde } from '../serde.js';

/**
 * How a stream is repartitioned (Kafka Streams' Repartitioned): the name of the internal topic
 * (`<application.id>-<name>-repartition`), its serdes and partition count (default: the count of the
 * sub-topology that writes it). Immutable: every `with*` returns a new value.
 *
 * @example
 *   stream.selectKey((k, v) => v.site).repartition(Repartitioned.as<string, Reading>('by-site').withNumberOfPartitions(8));
 */
export class Repartitioned<K, V> {
  private constructor(
    readonly name: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly numberOfPartitions: number | undefined,
  ) {}

  static as<K, V>(name: string): Repartitioned<K, V> {
    return new Repartitioned<K, V>(name, undefined, undefined, undefined);
  }

  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, keySerde, valueSerde, undefined);
  }

  static numberOfPartitions<K, V>(n: number): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, undefined, undefined, n);
  }

  withName(name: string): Repartitioned<K, V> {
    return new Repartitioned(name, this.keySerde, this.valueSerde, this.numberOfPartitions);
  }

  withKeySerde(serde: Serde<K>): Repartitioned<K, V> {
    return new Repartitioned(this.name, serde, this.valueSerde, this.numberOfPartitions);
  }

  withValueSerde(serde: Serde<V>): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, serde, this.numberOfPartitions);
  }

  withNumberOfPartitions(n: number): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, n);
  }
}
