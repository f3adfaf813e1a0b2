import { ConfigError } from '../../../lib/errors.js';
import type { Admin } from '../../../lib/kafka/types.js';
import { changelogTopic, TASK_META_STORE } from '../names.js';
import type { Topology } from '../topology/topology.js';

export interface TopicPlan {
  /** Partitions of every source topic (they must be co-partitioned). */
  partitions: number;
}

/**
 * Checks source and sink topics exist (sources co-partitioned) and creates the internal ones:
 * store changelogs (source partition count; compact, or compact,delete with retention for windows),
 * the task-meta changelog (compact), the late-records topic and the dead-letter topic if missing.
 */
export async function ensureTopics(
  admin: Admin,
  topology: Topology,
  applicationId: string,
  extra: { lateTopic: string; dlqTopic: string },
): Promise<TopicPlan> {
  const counts = new Map<string, number | undefined>();
  for (const t of [...topology.sourceTopics(), ...topology.sinkTopics()]) counts.set(t, await admin.partitionCount(t));
  const missing = [...counts].filter(([, n]) => n === undefined).map(([t]) => t);
  if (missing.length > 0)
    throw new ConfigError(
      'topology.topics',
      `expected these topics to exist (auto creation is off): ${missing.join(', ')}`,
    );
  const sourceCounts = new Set(topology.sourceTopics().map((t) => counts.get(t)));
  if (sourceCounts.size !== 1)
    throw new ConfigError(
      'topology.sources',
      `expected co-partitioned source topics (same partition count), got ${topology
        .sourceTopics()
        .map((t) => `${t}=${counts.get(t)}`)
        .join(', ')}`,
    );
  const partitions = [...sourceCounts][0] as number;
  const specs = topology.changelogTopics(applicationId).map((c) => ({ topic: c.topic, partitions, config: c.config }));
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
    if (s.topic.endsWith('-changelog') && n !== partitions)
      throw new ConfigError(`topics.${s.topic}`, `expected ${partitions} partitions like the sources, found ${n}`);
  }
  return { partitions };
}
