import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigResourceTypes, Kafka, Admin as KafkajsAdmin } from 'kafkajs';
import { IotpError } from '../../errors.js';
import { retryRetriable } from '../retry-retriable.js';
import type { Admin, PartitionOffsets, TopicPartitionOffset, TopicSpec } from '../types.js';
import { fromKafkajsError, kafkajsCall } from './errors.js';

/** kafkajs' ConfigResourceTypes.TOPIC: the enum is not an ESM named export of the CommonJS package. */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

/** Admin calls on kafkajs. Internal topics (names starting with `__`) are left out of listTopics. */
export class KafkajsAdminClient implements Admin {
  private readonly admin: KafkajsAdmin;

  constructor(private readonly kafka: Kafka) {
    this.admin = kafka.admin();
  }

  connect(): Promise<void> {
    return kafkajsCall('admin.connect', () => this.admin.connect());
  }

  /**
   * Idempotent, so retried while it fails retriably: on a fresh broker under load, kafkajs' wait for
   * the new topics' leaders can give up with UNKNOWN_TOPIC_OR_PARTITION before metadata caught up.
   */
  async createTopics(topics: TopicSpec[]): Promise<void> {
    await retryRetriable(() => this.createMissingTopics(topics));
    await this.waitForPartitions(topics, 30_000);
  }

  /** A fresh broker may answer metadata for a new topic a moment after creating it: wait for it. */
  private async waitForPartitions(topics: TopicSpec[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const t of topics) {
      for (;;) {
        const count = await this.partitionCount(t.topic).catch(() => undefined);
        if (count !== undefined && count > 0) break;
        if (Date.now() > deadline)
          throw new IotpError(
            'KAFKA_TOPIC_NOT_READY',
            `topic ${t.topic} has no partition metadata ${timeoutMs} ms after its creation`,
            {
              retriable: true,
              context: { topic: t.topic },
            },
          );
        await sleep(200);
      }
    }
  }

  private async createMissingTopics(topics: TopicSpec[]): Promise<void> {
    const existing = new Set(await this.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    try {
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor ?? -1,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (e) {
      const error = fromKafkajsError(e, 'admin.createTopics', { topics: missing.map((t) => t.topic).join(',') });
      // Another client created one of them meanwhile: fine, as long as all exist now.
      if (error.code !== 'KAFKA_TOPIC_ALREADY_EXISTS') throw error;
      const now = new Set(await this.listTopics());
      if (missing.some((t) => !now.has(t.topic))) throw error;
    }
  }

  /** Deletes the topics that exist; unknown names are ignored. */
  async deleteTopics(topics: string[]): Promise<void> {
    const existing = new Set(await this.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length === 0) return;
    await kafkajsCall('admin.deleteTopics', () => this.admin.deleteTopics({ topics: present }), {
      topics: present.join(','),
    });
  }

  async listTopics(): Promise<string[]> {
    const topics = await kafkajsCall('admin.listTopics', () => this.admin.listTopics());
    return topics.filter((t) => !t.startsWith('__')).sort();
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    if (!(await this.admin.listTopics()).includes(topic)) return undefined;
    const meta = await kafkajsCall('admin.partitionCount', () => this.admin.fetchTopicMetadata({ topics: [topic] }), {
      topic,
    });
    return meta.topics[0]?.partitions.length;
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await kafkajsCall('admin.topicOffsets', () => this.admin.fetchTopicOffsets(topic), { topic });
    return offsets
      .map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
      .sort((a, b) => a.partition - b.partition);
  }

  async committedOffsets(groupId: string, topics: string[]): Promise<TopicPartitionOffset[]> {
    const result = await kafkajsCall('admin.committedOffsets', () => this.admin.fetchOffsets({ groupId, topics }), {
      groupId,
    });
    return result.flatMap((t) =>
      t.partitions
        .filter((p) => BigInt(p.offset) >= 0n)
        .map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset })),
    );
  }

  /**
   * On an admin of its own, disconnected after: kafkajs' setOffsets adds the topic to the client's
   * metadata targets, and a later metadata refresh of this admin would fail once the topic is deleted.
   */
  async setGroupOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    const admin = this.kafka.admin();
    await kafkajsCall('admin.connect', () => admin.connect());
    try {
      for (const topic of new Set(offsets.map((o) => o.topic))) {
        const partitions = offsets
          .filter((o) => o.topic === topic)
          .map((o) => ({ partition: o.partition, offset: o.offset }));
        await kafkajsCall('admin.setGroupOffsets', () => admin.setOffsets({ groupId, topic, partitions }), {
          groupId,
          topic,
        });
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async listGroups(): Promise<string[]> {
    const { groups } = await kafkajsCall('admin.listGroups', () => this.admin.listGroups());
    return groups.map((g) => g.groupId).sort();
  }

  async topicConfig(topic: string): Promise<Record<string, string> | undefined> {
    if (!(await this.admin.listTopics()).includes(topic)) return undefined;
    const described = await kafkajsCall(
      'admin.topicConfig',
      () =>
        this.admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: TOPIC_RESOURCE, name: topic }],
        }),
      { topic },
    );
    const entries = described.resources[0]?.configEntries ?? [];
    return Object.fromEntries(entries.map((e) => [e.configName, e.configValue]));
  }

  disconnect(): Promise<void> {
    return kafkajsCall('admin.disconnect', () => this.admin.disconnect());
  }
}
