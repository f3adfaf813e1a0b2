import { ConfigError } from '../../../lib/errors.js';
import type { Serde } from '../serde.js';
import type { BuilderContext } from './builder-context.js';

/**
 * Adds a repartition through the internal topic `<name>-repartition`: a sink `<name>-repartition-sink`
 * (records partitioned by their new key, with the producer's default partitioner) and a source
 * `<name>-repartition-source` that reads it back. Returns the source's step name.
 */
export function addRepartition<K, V>(
  ctx: BuilderContext,
  parentStep: string,
  name: string,
  serdes: { keySerde?: Serde<K>; valueSerde?: Serde<V> },
  partitions?: number,
): string {
  const { keySerde, valueSerde } = serdes;
  if (keySerde === undefined || valueSerde === undefined)
    throw new ConfigError(
      `repartition.${name}.serdes`,
      'expected key and value serdes for the repartition topic (Repartitioned.with / Grouped / Joined)',
    );
  const topic = ctx.topology.addRepartitionTopic(name, partitions);
  ctx.topology.addSink(`${name}-repartition-sink`, topic, { keySerde, valueSerde }, parentStep);
  const source = `${name}-repartition-source`;
  ctx.topology.addSource(source, topic, { keySerde, valueSerde });
  return source;
}
