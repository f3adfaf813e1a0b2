import type { TopicPartition } from '../../../lib/kafka/types.js';

/** What a member holds of one partition number: the topics it has and the ones another member has. */
export interface PartitionCoverage {
  readonly partition: number;
  readonly have: readonly string[];
  readonly missing: readonly string[];
}

/**
 * A task is every source topic's partition `p` (one transactional id, one set of stores), so a member
 * may run task `p` only if it was assigned partition `p` of every source topic that has one. The
 * group's assignor does not promise that (kafkajs' RoundRobin deals topic-partitions out in turn):
 * this says, per partition number the member holds anything of, what it has and what it lacks.
 * Pure: `topicPartitions` holds each source topic's partition count.
 */
export function partitionCoverage(
  assigned: readonly TopicPartition[],
  topicPartitions: ReadonlyMap<string, number>,
  partitions: Iterable<number>,
): PartitionCoverage[] {
  const held = new Set(assigned.map((tp) => `${tp.topic}/${tp.partition}`));
  const out: PartitionCoverage[] = [];
  for (const p of partitions) {
    const topics = [...topicPartitions].filter(([, n]) => n > p).map(([t]) => t);
    out.push({
      partition: p,
      have: topics.filter((t) => held.has(`${t}/${p}`)),
      missing: topics.filter((t) => !held.has(`${t}/${p}`)),
    });
  }
  return out;
}
