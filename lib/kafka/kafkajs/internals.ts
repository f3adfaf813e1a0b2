/**
 * The few kafkajs internals the replay needs (kafkajs 2.2.4 is pinned and has had no release since
 * 2023). kafkajs' public Consumer always joins a group and has no manual assignment, so replay talks
 * to the partition leaders with kafkajs' own cluster and Fetch request, and filters aborted
 * transactions and control records with kafkajs' own Batch class, as its consumer does.
 */
import { createRequire } from 'node:module';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { IotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';

export const ISOLATION = { read_uncommitted: 0, read_committed: 1 } as const;

export interface FetchedPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  messages: unknown[];
}

export interface InternalBroker {
  fetch(request: {
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: { topicName: string; partitions: FetchedPartition[] }[] }>;
}

export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number; leader: number }[];
  findBroker(args: { nodeId: string }): Promise<InternalBroker>;
  fetchTopicsOffset(
    topics: { topic: string; partitions: { partition: number }[]; fromBeginning: boolean }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

export interface InternalBatch {
  /** Records left after dropping aborted transactions, control records and offsets below the fetch offset. */
  messages: KafkaMessage[];
  /** Last offset covered, control records included (only meaningful when the fetch returned records). */
  lastOffset(): string;
  isEmptyIncludingFiltered(): boolean;
}

type BatchConstructor = new (topic: string, fetchedOffset: string, partitionData: FetchedPartition) => InternalBatch;
type CreateCluster = (options: {
  metadataMaxAge: number;
  allowAutoTopicCreation: boolean;
  isolationLevel: number;
}) => InternalCluster;

const require = createRequire(import.meta.url);
const Batch = require('kafkajs/src/consumer/batch.js') as BatchConstructor;

/** A new kafkajs cluster (connections, metadata) with the client's brokers, TLS, SASL and logger. */
export function createInternalCluster(kafka: Kafka, isolationLevel: number): InternalCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, CreateCluster>)[symbol];
  if (typeof create !== 'function')
    throw new IotpError(
      KafkaErrorCodes.BACKEND_UNAVAILABLE,
      'this kafkajs version has no createCluster: replay needs kafkajs 2.2.x',
      {
        context: { backend: 'kafkajs' },
      },
    );
  return create({ metadataMaxAge: 300_000, allowAutoTopicCreation: false, isolationLevel });
}

export function fetchedBatch(topic: string, fetchOffset: string, data: FetchedPartition): InternalBatch {
  return new Batch(topic, fetchOffset, data);
}
