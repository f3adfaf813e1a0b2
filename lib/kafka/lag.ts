import type { Admin, PartitionOffsets, TopicPartitionOffset } from './types.js';

/** A topic's partition offsets, as `Admin.topicOffsets` returns them, tagged with the topic. */
export interface TopicPartitionOffsets extends PartitionOffsets {
  topic: string;
}

/**
 * One partition's consumer lag: records between the group's committed offset and the high
 * watermark. `committed` is null when the group never committed on that partition; such a partition
 * (and one whose commit fell below the log start after retention) counts from the log start.
 *
 * @example
 *   computeLag([{ topic: 't', partition: 0, low: '0', high: '10' }], [{ topic: 't', partition: 0, offset: '4' }]);
 *   // [{ topic: 't', partition: 0, high: '10', committed: '4', lag: 6 }]
 */
export interface PartitionLag {
  topic: string;
  partition: number;
  high: string;
  committed: string | null;
  lag: number;
}

/** Per-partition lag from end offsets and committed offsets (pure). Sorted by topic, then partition. */
export function computeLag(endOffsets: TopicPartitionOffsets[], committed: TopicPartitionOffset[]): PartitionLag[] {
  const commits = new Map<string, string>();
  for (const c of committed) commits.set(`${c.topic}\u0000${c.partition}`, c.offset);
  const lags = endOffsets.map((end): PartitionLag => {
    const commit = commits.get(`${end.topic}\u0000${end.partition}`) ?? null;
    const low = BigInt(end.low);
    const high = BigInt(end.high);
    const from = commit === null || BigInt(commit) < low ? low : BigInt(commit);
    const lag = high > from ? Number(high - from) : 0;
    return { topic: end.topic, partition: end.partition, high: end.high, committed: commit, lag };
  });
  return lags.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

/** The sum of the partitions' lag. */
export function totalLag(lags: PartitionLag[]): number {
  return lags.reduce((sum, l) => sum + l.lag, 0);
}

/** Reads a group's lag on the topics from the broker (end offsets and committed offsets). */
export async function groupLag(admin: Admin, groupId: string, topics: string[]): Promise<PartitionLag[]> {
  const ends = await Promise.all(
    topics.map(async (topic) => (await admin.topicOffsets(topic)).map((p) => ({ ...p, topic }))),
  );
  const committed = await admin.committedOffsets(groupId, topics);
  return computeLag(ends.flat(), committed);
}
