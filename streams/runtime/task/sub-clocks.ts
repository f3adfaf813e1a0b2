import { subtopologies } from '../topology/subtopologies.js';
import type { Topology } from '../topology/topology.js';

/** The stream time of a sub-topology that reads a repartition topic. */
export interface SubClock {
  /** Largest event time its sources have read (or the idle rule reached). */
  time: number;
  /** Its time when the task last read any record (the idle rule's base). */
  idleBase: number;
  /** Its time when its stream-time punctuators last ran. */
  punctuatedAt: number;
  /** Its time as last written to the task-meta changelog. */
  persisted: number;
}

export interface SubClockPlan {
  /** Clock id (the sub-topology's first repartition source topic) of each node that has one. */
  readonly clockOfNode: ReadonlyMap<string, string>;
  readonly clockOfStore: ReadonlyMap<string, string>;
  readonly ids: readonly string[];
}

/**
 * Which nodes and stores keep a stream time of their own. A sub-topology that reads a repartition
 * topic gets one, as every sub-topology has in Kafka Streams (its own task): its records come back
 * through Kafka later than the records that wrote them, and under a backlog the writing
 * sub-topology's stream time runs far ahead, which would make every window after the repartition
 * close before its records arrive. Sub-topologies that read only external topics keep sharing the
 * task's stream time (a difference from Kafka Streams, docs/ARCHITECTURE.md).
 */
export function subClockPlan(topology: Topology): SubClockPlan {
  const clockOfNode = new Map<string, string>();
  const clockOfStore = new Map<string, string>();
  const ids: string[] = [];
  for (const sub of subtopologies(topology)) {
    const id = sub.sourceTopics.find((t) => topology.isInternalTopic(t));
    if (id === undefined) continue;
    ids.push(id);
    for (const n of sub.nodes) clockOfNode.set(n, id);
    for (const s of sub.stores) clockOfStore.set(s, id);
  }
  return { clockOfNode, clockOfStore, ids };
}
