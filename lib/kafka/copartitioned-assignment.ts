/**
 * The co-partitioning assignment of a stream application's group (what Kafka Streams' task
 * assignment guarantees for a join): every topic's partition p goes to the same member, so a task
 * that reads partition p of several topics (a stream and its table, two joined streams, a
 * repartition topic and its sink) has all its inputs in one instance. Partition numbers are dealt
 * to the members (sorted by id, so every leader computes the same answer) in turn: p -> member
 * p mod n. Topics with fewer partitions simply have fewer numbers to deal.
 *
 * @example
 *   copartitionedAssignment(['b', 'a'], new Map([['readings', 3], ['devices', 3]]))
 *   // { a: { readings: [0, 2], devices: [0, 2] }, b: { readings: [1], devices: [1] } }
 */
export function copartitionedAssignment(
  memberIds: readonly string[],
  partitionCounts: ReadonlyMap<string, number>,
): Record<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const out: Record<string, Record<string, number[]>> = {};
  for (const m of members) out[m] = {};
  if (members.length === 0) return out;
  const topics = [...partitionCounts.keys()].sort();
  const most = Math.max(0, ...partitionCounts.values());
  for (let p = 0; p < most; p++) {
    const member = out[members[p % members.length]!]!;
    for (const topic of topics) {
      if (p >= (partitionCounts.get(topic) ?? 0)) continue;
      const partitions = member[topic] ?? [];
      partitions.push(p);
      member[topic] = partitions;
    }
  }
  return out;
}
