import { ConfigError } from '../../../lib/errors.js';
import type { Admin } from '../../../lib/kafka/types.js';
import { changelogTopic, TASK_META_STORE } from '../names.js';
import type { Topology } from '../topology/topology.js';
import { type PartitionPlan, partitionPlan } from './partition-plan.js';

export interface TopicPlan {
  /** The largest partition count of the sources (task-meta, late and dead-letter topics). */
  partitions: number;
  /** Partitions per source topic and per store changelog (see partitionPlan). */
  plan: PartitionPlan;
}

/**
 * Checks source and sink topics exist and that each sub-topology's sources are co-partitioned, and
 * creates the internal ones: repartition topics (the writing sub-topology's partition count, or
 * Repartitioned's), store changelogs (their sub-topology's count; compact, or compact,delete with
 * retention for windows), the task-meta changelog (compact), the late-records topic and the
 * dead-letter topic if missing.
 */
export async function ensureTopics(
  admin: Admin,
  topology: Topology,
  applicationId: string,
  extra: { lateTopic: string; dlqTopic: string },
): Promise<TopicPlan> {
  const counts = new Map<string, number | undefined>();
  for (const t of [...topology.externalSourceTopics(), ...topology.externalSinkTopics()])
    counts.set(t, await admin.partitionCount(t));
  const missing = [...counts].filter(([, n]) => n === undefined).map(([t]) => t);
  if (missing.length > 0)
    throw new ConfigError(
      'topology.topics',
      `expected these topics to exist (auto creation is off): ${missing.join(', ')}`,
    );
  const plan = partitionPlan(topology, counts as Map<string, number>);
  const partitions = plan.maxPartitions;
  const specs: { topic: string; partitions: number; config: Record<string, string> }[] = topology
    .internalTopics()
    .map((t) => ({
      topic: t.topic,
      partitions: plan.topics.get(t.topic) as number,
      // Kafka Streams' repartition topic settings: delete, kept until consumed (no purge here).
      config: { 'cleanup.policy': 'delete', 'retention.ms': '-1' },
    }));
  for (const c of topology.changelogTopics(applicationId))
    specs.push({ topic: c.topic, partitions: plan.stores.get(c.store) ?? partitions, config: c.config });
  if (topology.stores().length > 0)
    specs.push({
      topic: changelogTopic(applicationId, TASK_META_STORE),
      partitions,
      config: { 'cleanup.policy': 'compact' },
    });
  specs.push({ topic: extra.lateTopic, partitions, config: {} });
  specs.push({ topic: extra.dlqTopic, partitions, config: {} });
  await admin.createTopics(specs);
  for (const s of specs) {
    const n = await admin.partitionCount(s.topic);
    if ((s.topic.endsWith('-changelog') || topology.isInternalTopic(s.topic)) && n !== s.partitions)
      throw new ConfigError(`topics.${s.topic}`, `expected ${s.partitions} partitions, found ${n}`);
  }
  return { partitions, plan };
}
