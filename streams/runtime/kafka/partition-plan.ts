import { ConfigError } from '../../../lib/errors.js';
import { subtopologies } from '../topology/subtopologies.js';
import type { Topology } from '../topology/topology.js';

/** Partition counts the application runs with, decided at start. */
export interface PartitionPlan {
  /** Partitions of each source topic (external and internal). */
  readonly topics: ReadonlyMap<string, number>;
  /** Partitions of each store's changelog: its sub-topology's count. */
  readonly stores: ReadonlyMap<string, number>;
  /** Partition count of each node's sub-topology (a task builds only the nodes below it). */
  readonly nodes: ReadonlyMap<string, number>;
  /** The largest count: the task-meta changelog, late and dead-letter topics. */
  readonly maxPartitions: number;
}

/**
 * Decides the partition count of each internal repartition topic (Repartitioned's, else the count
 * of the sub-topology that writes it, as Kafka Streams does) and checks co-partitioning: every
 * source topic of one sub-topology (a join's two sides, a table and the stream looking it up) must
 * have the same partition count. Pure: `external` holds the counts read from the broker.
 */
export function partitionPlan(topology: Topology, external: ReadonlyMap<string, number>): PartitionPlan {
  const counts = new Map(external);
  for (const t of topology.internalTopics()) if (t.partitions !== undefined) counts.set(t.topic, t.partitions);
  const subs = subtopologies(topology);
  let changed = true;
  while (changed) {
    changed = false;
    for (const sub of subs) {
      const known = sub.sourceTopics.map((t) => counts.get(t));
      if (known.some((n) => n === undefined)) continue;
      const n = Math.max(...(known as number[]));
      for (const t of sub.sinkTopics)
        if (topology.isInternalTopic(t) && !counts.has(t)) {
          counts.set(t, n);
          changed = true;
        }
    }
  }
  const stores = new Map<string, number>();
  const nodes = new Map<string, number>();
  for (const sub of subs) {
    const unknown = sub.sourceTopics.filter((t) => !counts.has(t));
    if (unknown.length > 0)
      throw new ConfigError('topology.repartition', `cannot decide the partition count of ${unknown.join(', ')}`);
    const own = new Set(sub.sourceTopics.map((t) => counts.get(t)));
    if (own.size > 1)
      throw new ConfigError(
        'topology.copartitioning',
        `expected co-partitioned topics (same partition count) in one sub-topology (steps ${sub.nodes.join(', ')}), got ${sub.sourceTopics
          .map((t) => `${t}=${counts.get(t)}`)
          .join(', ')}; repartition one side (KStream.repartition(Repartitioned.numberOfPartitions(n)))`,
      );
    const n = counts.get(sub.sourceTopics[0] as string) as number;
    for (const s of sub.stores) stores.set(s, n);
    for (const node of sub.nodes) nodes.set(node, n);
  }
  const topics = new Map<string, number>();
  for (const t of topology.sourceTopics()) topics.set(t, counts.get(t) as number);
  return { topics, stores, nodes, maxPartitions: Math.max(...topics.values()) };
}
