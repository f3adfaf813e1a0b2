import type { Topology } from './topology.js';

/** A connected part of a topology: its nodes are linked by edges or shared stores, never by a topic. */
export interface Subtopology {
  readonly id: number;
  readonly nodes: readonly string[];
  readonly sourceTopics: readonly string[];
  readonly sinkTopics: readonly string[];
  readonly stores: readonly string[];
}

/**
 * Splits a topology into sub-topologies (Kafka Streams' notion): nodes joined by a parent/child edge
 * or by a store they share are in one; a repartition topic (written by one, read by another)
 * separates them. Every source topic of one sub-topology must be co-partitioned.
 */
export function subtopologies(topology: Topology): Subtopology[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const nodes = topology.nodes();
  for (const n of nodes) parent.set(`n:${n.name}`, `n:${n.name}`);
  for (const s of topology.stores()) parent.set(`s:${s.name}`, `s:${s.name}`);
  for (const n of nodes) {
    if (n.kind !== 'source') for (const p of n.parents) union(`n:${p}`, `n:${n.name}`);
    if (n.kind === 'processor') for (const s of n.stores) union(`n:${n.name}`, `s:${s}`);
  }
  const groups = new Map<string, { nodes: string[]; sources: string[]; sinks: string[]; stores: string[] }>();
  const group = (key: string) => {
    const root = find(key);
    let g = groups.get(root);
    if (g === undefined) {
      g = { nodes: [], sources: [], sinks: [], stores: [] };
      groups.set(root, g);
    }
    return g;
  };
  for (const n of nodes) {
    const g = group(`n:${n.name}`);
    g.nodes.push(n.name);
    if (n.kind === 'source') g.sources.push(...n.topics);
    if (n.kind === 'sink' && !g.sinks.includes(n.topic)) g.sinks.push(n.topic);
  }
  for (const s of topology.stores()) group(`s:${s.name}`).stores.push(s.name);
  return [...groups.values()].map((g, id) => ({
    id,
    nodes: g.nodes,
    sourceTopics: g.sources,
    sinkTopics: g.sinks,
    stores: g.stores,
  }));
}
