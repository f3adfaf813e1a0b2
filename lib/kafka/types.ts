/**
 * The Kafka client seam: the only Kafka API the rest of the project uses. Two backends implement
 * it, kafkajs (pure JS) and node-rdkafka (librdkafka); both pass the same contract suite against
 * the real broker (test/integration/kafka-contract.test.ts).
 *
 * Conventions: offsets are int64 decimal strings; a committed offset is the *next* offset to read
 * (Kafka's convention); consumed headers are decoded as UTF-8 strings.
 */
import type { Logger } from 'pino';
import type { IotpError } from '../errors.js';

export type KafkaBackend = 'kafkajs' | 'rdkafka';

export interface KafkaClientConfig {
  backend: KafkaBackend;
  /** host:port list. */
  brokers: string[];
  clientId: string;
  /** TLS: the CA certificate (PEM file path) that signed the brokers' certificates. */
  ssl?: { caFile?: string; rejectUnauthorized?: boolean };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  logger?: Logger;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  /** The next offset to read. */
  offset: string;
}

export interface ProducerRecord {
  topic: string;
  /** Omitted: the default partitioner (murmur2 of the key, as the Java client does). */
  partition?: number;
  key: string | Buffer | null;
  value: Buffer | null;
  /** Record timestamp in ms (event time). Omitted: the producer's clock. */
  timestamp?: number;
  headers?: Record<string, string>;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: string;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: Record<string, string>;
}

export interface Batch extends TopicPartition {
  records: ConsumedRecord[];
  /** The partition's high watermark (or last stable offset under read_committed) when fetched. */
  highWatermark: string;
  /**
   * The offset to commit once every record of the batch is processed: the last record's offset + 1,
   * or further when transaction markers follow it (kafkajs), so a fully consumed partition shows no lag.
   * Absent: use the last record's offset + 1.
   */
  nextOffset?: string;
}

export interface ProducerOptions {
  /** Idempotent producer with acks=all (default true). */
  idempotent?: boolean;
  /** Max time records may wait to be batched (default 5 ms). */
  lingerMs?: number;
  compression?: 'none' | 'gzip' | 'lz4' | 'zstd' | 'snappy';
}

export interface Producer {
  connect(): Promise<void>;
  /** Resolves once every record is acknowledged by the broker (acks=all). */
  send(records: ProducerRecord[]): Promise<RecordMetadata[]>;
  disconnect(): Promise<void>;
}

export interface TransactionalProducerOptions extends ProducerOptions {
  /** Stable per task/worker: a restarted instance with the same id fences its zombie predecessor. */
  transactionalId: string;
  transactionTimeoutMs?: number;
}

export interface TransactionalProducer {
  /** Connects and initialises transactions (fencing any previous producer with the same id). */
  connect(): Promise<void>;
  begin(): Promise<void>;
  send(records: ProducerRecord[]): Promise<RecordMetadata[]>;
  /** Adds the consumer's offsets to the open transaction (they commit or abort with it). */
  sendOffsets(consumer: Consumer, offsets: TopicPartitionOffset[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  /** Default read_committed: aborted transactional records are never seen. */
  isolation?: 'read_committed' | 'read_uncommitted';
  /** Where a group with no committed offset starts (default earliest). */
  autoOffsetReset?: 'earliest' | 'latest';
  sessionTimeoutMs?: number;
  /** Upper bound on records handed to one eachBatch call. */
  maxBatchSize?: number;
  /**
   * Partition p of every subscribed topic to the same member (stream applications: a join's inputs
   * in one task). Default false: the backend's usual assignor.
   */
  copartitioned?: boolean;
}

export interface ConsumerHandlers {
  /** Called with records of one partition, in offset order. Offsets are committed only by `commit`. */
  eachBatch(batch: Batch): Promise<void>;
  /** Partitions newly assigned to this member, before any of their batches. */
  onAssign?(partitions: TopicPartition[]): Promise<void>;
  /**
   * Partitions taken away. node-rdkafka calls it before the revocation completes; kafkajs has no
   * revoke hook, so its backend calls it after the rebalance (work not committed is redelivered).
   */
  onRevoke?(partitions: TopicPartition[]): Promise<void>;
  /**
   * The loop stopped for good: eachBatch or a hook threw (code KAFKA_HANDLER_FAILED, the cause
   * attached) or the client failed fatally. Nothing after the failed batch was processed or
   * committed; the owner should disconnect (and usually exit). Absent: the error is logged.
   */
  onError?(error: IotpError): void;
}

export interface Consumer {
  readonly groupId: string;
  connect(): Promise<void>;
  subscribe(topics: string[]): Promise<void>;
  /** Starts the fetch loop; resolves once it is running. */
  run(handlers: ConsumerHandlers): Promise<void>;
  /** Commits offsets (next to read) for the group, outside any transaction. */
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  pause(partitions: TopicPartition[]): void;
  resume(partitions: TopicPartition[]): void;
  assignment(): TopicPartition[];
  /** Stops fetching, waits for the batch in progress, leaves the group. */
  disconnect(): Promise<void>;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor?: number;
  /** Topic configs, e.g. { 'cleanup.policy': 'compact' }. */
  config?: Record<string, string>;
}

export interface PartitionOffsets {
  partition: number;
  /** Log start offset. */
  low: string;
  /** High watermark. */
  high: string;
}

export interface Admin {
  connect(): Promise<void>;
  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  createTopics(topics: TopicSpec[]): Promise<void>;
  deleteTopics(topics: string[]): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Partition count, or undefined if the topic does not exist. */
  partitionCount(topic: string): Promise<number | undefined>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** The group's committed offsets (next to read) for the topics; partitions without one are omitted. */
  committedOffsets(groupId: string, topics: string[]): Promise<TopicPartitionOffset[]>;
  /**
   * Commits `offsets` (next to read) for a group that has no active member, as
   * `kafka-consumer-groups --reset-offsets` does: where a new group starts.
   */
  setGroupOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void>;
  listGroups(): Promise<string[]>;
  /**
   * The topic's effective configuration (topic overrides and broker defaults), e.g.
   * `max.message.bytes`; undefined if the topic does not exist.
   */
  topicConfig(topic: string): Promise<Record<string, string> | undefined>;
  disconnect(): Promise<void>;
}

export interface ReplayOptions {
  topic: string;
  partitions: number[];
  /** Receives each partition's records in offset order, from its log start to its end at call time. */
  onRecords(records: ConsumedRecord[]): Promise<void> | void;
  isolation?: 'read_committed' | 'read_uncommitted';
}

export interface KafkaClient {
  readonly backend: KafkaBackend;
  producer(options?: ProducerOptions): Producer;
  transactionalProducer(options: TransactionalProducerOptions): TransactionalProducer;
  consumer(options: ConsumerOptions): Consumer;
  admin(): Admin;
  /**
   * Reads partitions from their log start to the end offset seen when the call starts, with no
   * consumer group (state restoration from a changelog). Resolves when all are read.
   */
  replay(options: ReplayOptions): Promise<void>;
}
