import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaClient } from '../../../lib/kafka/index.js';
import type { ConsumedRecord, KafkaClient } from '../../../lib/kafka/types.js';
import { silentLogger } from '../../../lib/runtime/log.js';
import { createAvroDecoder, createSchemaRegistryClient, type SchemaRegistryClient } from '../../../lib/serde/index.js';

/** A kafkajs client on the given brokers, quiet in test output. */
export function testKafka(brokers: string, clientId = 'mqtt-source-test'): KafkaClient {
  return createKafkaClient({ backend: 'kafkajs', brokers: brokers.split(','), clientId, logger: silentLogger() });
}

export async function createTopics(
  kafka: KafkaClient,
  topics: { topic: string; partitions?: number; config?: Record<string, string> }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics(topics.map((t) => ({ topic: t.topic, partitions: t.partitions ?? 4, config: t.config })));
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: KafkaClient, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics(topics);
  } finally {
    await admin.disconnect();
  }
}

/** Records in a topic now (sum of high watermarks minus log starts). */
export async function countRecords(kafka: KafkaClient, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.topicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the topic holds at least `n` records; throws with the count reached on timeout. */
export async function waitForCount(kafka: KafkaClient, topic: string, n: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = 0;
  for (;;) {
    count = await countRecords(kafka, topic);
    if (count >= n) return count;
    if (Date.now() > deadline) throw new Error(`timed out: ${topic} has ${count} records, expected >= ${n}`);
    await sleep(250);
  }
}

/** Every record of the topic, per partition in offset order (partitions concatenated). */
export async function readTopic(kafka: KafkaClient, topic: string): Promise<ConsumedRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let partitions: number[];
  try {
    partitions = (await admin.topicOffsets(topic)).map((p) => p.partition);
  } finally {
    await admin.disconnect();
  }
  const out: ConsumedRecord[] = [];
  await kafka.replay({ topic, partitions, onRecords: (records) => void out.push(...records) });
  return out;
}

/** Decodes Confluent-wire-format values with the registry. */
export function testDecoder(registryUrl: string): {
  registry: SchemaRegistryClient;
  decode(record: ConsumedRecord): Promise<Record<string, unknown>>;
} {
  const registry = createSchemaRegistryClient({ url: registryUrl });
  const decoder = createAvroDecoder({ registry });
  return {
    registry,
    async decode(record) {
      if (!record.value) throw new Error(`record ${record.topic}/${record.partition}@${record.offset} has no value`);
      const decoded = await decoder.decode(record.value);
      return decoded.value as Record<string, unknown>;
    },
  };
}
