import type { IAdminClient, Metadata, Producer as RdProducer } from 'node-rdkafka';
import type { Logger } from 'pino';
import { IotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';
import type { KafkajsAdminClient } from '../kafkajs/admin.js';
import { createKafkajsClient } from '../kafkajs/client.js';
import type { Admin, KafkaClientConfig, PartitionOffsets, TopicPartitionOffset, TopicSpec } from '../types.js';
import { fromRdkafkaError, rdkafkaCall } from './errors.js';
import { loadRdkafka } from './load.js';
import { rdkafkaBaseConfig, routeRdkafkaLogs } from './options.js';

const TIMEOUT_MS = 30_000;
const POLL_MS = 100;
const TOPIC_ALREADY_EXISTS = 36;
const UNKNOWN_TOPIC_OR_PARTITION = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Admin calls on node-rdkafka: its AdminClient creates and deletes topics; metadata and watermarks
 * come from a producer handle; committed offsets from a consumer handle with the group's id that
 * never joins the group. node-rdkafka binds no ListGroups or DescribeConfigs, so `listGroups` and `topicConfig` go through kafkajs' admin
 * on the same brokers and credentials. createTopics/deleteTopics wait until metadata shows the result.
 */
export class RdkafkaAdminClient implements Admin {
  private admin: IAdminClient | undefined;
  private meta: RdProducer | undefined;
  private groupsAdmin: KafkajsAdminClient | undefined;

  constructor(
    private readonly config: KafkaClientConfig,
    private readonly log: Logger,
  ) {}

  async connect(): Promise<void> {
    const rd = loadRdkafka();
    const base = rdkafkaBaseConfig(this.config, this.log);
    try {
      // node-rdkafka's AdminClient takes no event_cb (it has no log events).
      const { event_cb: _eventCb, ...adminConfig } = base;
      this.admin = rd.AdminClient.create(adminConfig);
    } catch (e) {
      throw fromRdkafkaError(e, 'admin.connect');
    }
    const meta = new rd.Producer(base);
    routeRdkafkaLogs(meta, this.log);
    await rdkafkaCall('admin.connect', (cb) => meta.connect({}, cb));
    this.meta = meta;
  }

  async createTopics(topics: TopicSpec[]): Promise<void> {
    const admin = this.requireAdmin();
    const existing = new Set(await this.allTopics());
    for (const t of topics.filter((spec) => !existing.has(spec.topic))) {
      try {
        await rdkafkaCall(
          'admin.createTopics',
          (cb) =>
            admin.createTopic(
              {
                topic: t.topic,
                num_partitions: t.partitions,
                replication_factor: t.replicationFactor ?? -1,
                ...(t.config ? { config: t.config } : {}),
              },
              TIMEOUT_MS,
              cb,
            ),
          { topic: t.topic },
        );
      } catch (e) {
        if (!(e instanceof IotpError && e.context.kafkaCode === TOPIC_ALREADY_EXISTS)) throw e;
      }
    }
    await this.waitFor('topics to be created with leaders', async () => {
      const md = await this.metadata();
      return topics.every((t) => {
        const m = md.topics.find((x) => x.name === t.topic);
        return m !== undefined && m.partitions.length > 0 && m.partitions.every((p) => p.leader >= 0);
      });
    });
  }

  /** Deletes the topics that exist; unknown names are ignored. */
  async deleteTopics(topics: string[]): Promise<void> {
    const admin = this.requireAdmin();
    const existing = new Set(await this.allTopics());
    for (const topic of topics.filter((t) => existing.has(t))) {
      try {
        await rdkafkaCall('admin.deleteTopics', (cb) => admin.deleteTopic(topic, TIMEOUT_MS, cb), { topic });
      } catch (e) {
        if (!(e instanceof IotpError && e.context.kafkaCode === UNKNOWN_TOPIC_OR_PARTITION)) throw e;
      }
    }
    await this.waitFor('topics to be deleted', async () => {
      const now = new Set(await this.allTopics());
      return topics.every((t) => !now.has(t));
    });
  }

  async listTopics(): Promise<string[]> {
    return (await this.allTopics()).filter((t) => !t.startsWith('__')).sort();
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    const m = (await this.metadata()).topics.find((t) => t.name === topic);
    return m && m.partitions.length > 0 ? m.partitions.length : undefined;
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const meta = this.requireMeta();
    const count = await this.partitionCount(topic);
    if (count === undefined)
      throw new IotpError(KafkaErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, `admin.topicOffsets: no topic ${topic}`, {
        context: { backend: 'rdkafka', topic },
      });
    const out: PartitionOffsets[] = [];
    for (let partition = 0; partition < count; partition++) {
      const w = await rdkafkaCall<{ lowOffset: number; highOffset: number }>(
        'admin.topicOffsets',
        (cb) => meta.queryWatermarkOffsets(topic, partition, TIMEOUT_MS, cb),
        { topic, partition },
      );
      out.push({ partition, low: String(w.lowOffset), high: String(w.highOffset) });
    }
    return out;
  }

  async committedOffsets(groupId: string, topics: string[]): Promise<TopicPartitionOffset[]> {
    const rd = loadRdkafka();
    const partitions: { topic: string; partition: number }[] = [];
    for (const topic of topics) {
      const count = (await this.partitionCount(topic)) ?? 0;
      for (let partition = 0; partition < count; partition++) partitions.push({ topic, partition });
    }
    if (partitions.length === 0) return [];
    const reader = new rd.KafkaConsumer(
      { ...rdkafkaBaseConfig(this.config, this.log), 'group.id': groupId, 'enable.auto.commit': false },
      {},
    );
    routeRdkafkaLogs(reader, this.log);
    try {
      await rdkafkaCall('admin.committedOffsets', (cb) => reader.connect({}, cb), { groupId });
      const committed = await rdkafkaCall<{ topic: string; partition: number; offset: number }[]>(
        'admin.committedOffsets',
        (cb) => reader.committed(partitions, TIMEOUT_MS, cb),
        { groupId },
      );
      return committed
        .filter((c) => c.offset >= 0)
        .map((c) => ({ topic: c.topic, partition: c.partition, offset: String(c.offset) }));
    } finally {
      if (reader.isConnected())
        await rdkafkaCall('admin.committedOffsets', (cb) => reader.disconnect(cb)).catch(() => {});
    }
  }

  /** node-rdkafka binds no AlterConsumerGroupOffsets: kafkajs' admin does it. */
  async setGroupOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    return (await this.kafkajsAdmin()).setGroupOffsets(groupId, offsets);
  }

  async listGroups(): Promise<string[]> {
    return (await this.kafkajsAdmin()).listGroups();
  }

  /** node-rdkafka binds no DescribeConfigs either: kafkajs' admin answers. */
  async topicConfig(topic: string): Promise<Record<string, string> | undefined> {
    return (await this.kafkajsAdmin()).topicConfig(topic);
  }

  private async kafkajsAdmin(): Promise<KafkajsAdminClient> {
    if (!this.groupsAdmin) {
      const admin = createKafkajsClient({ ...this.config, backend: 'kafkajs', logger: this.log }).admin();
      await admin.connect();
      this.groupsAdmin = admin as KafkajsAdminClient;
    }
    return this.groupsAdmin;
  }

  async disconnect(): Promise<void> {
    this.admin?.disconnect();
    this.admin = undefined;
    const meta = this.meta;
    this.meta = undefined;
    if (meta?.isConnected()) await rdkafkaCall('admin.disconnect', (cb) => meta.disconnect(cb));
    await this.groupsAdmin?.disconnect();
    this.groupsAdmin = undefined;
  }

  private async allTopics(): Promise<string[]> {
    return (await this.metadata()).topics.filter((t) => t.partitions.length > 0).map((t) => t.name);
  }

  private metadata(): Promise<Metadata> {
    const meta = this.requireMeta();
    return rdkafkaCall<Metadata>('admin.metadata', (cb) =>
      meta.getMetadata({ allTopics: true, timeout: TIMEOUT_MS }, cb),
    );
  }

  private async waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
    for (let waited = 0; waited < TIMEOUT_MS; waited += POLL_MS) {
      if (await done()) return;
      await sleep(POLL_MS);
    }
    throw new IotpError('KAFKA_CLIENT_TIMED_OUT', `admin: timed out waiting for ${what}`, {
      retriable: true,
      context: { backend: 'rdkafka' },
    });
  }

  private requireAdmin(): IAdminClient {
    if (!this.admin) throw this.notConnected();
    return this.admin;
  }

  private requireMeta(): RdProducer {
    if (!this.meta) throw this.notConnected();
    return this.meta;
  }

  private notConnected(): IotpError {
    return new IotpError(KafkaErrorCodes.INVALID_STATE, 'admin: call connect first', {
      context: { backend: 'rdkafka' },
    });
  }
}
