import { setTimeout as sleep } from 'node:timers/promises';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import { createKafkaClient, type KafkaBackend, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import type { Admin, ConsumedRecord, KafkaClient } from '../../lib/kafka/types.js';
import { silentLogger } from '../../lib/runtime/log.js';
import { createAvroDecoder, createSchemaRegistryClient, type SchemaRegistryClient } from '../../lib/serde/index.js';
import { stackEnv } from './stack.js';

/**
 * The Kafka test helpers (one set for every integration test and benchmark): a client on the local
 * stack for a test's own checks, topics made and removed, records counted and read back. Workers
 * under test never get their client here: they build it from the pipeline YAML (lib/clients).
 */

/**
 * A client on the local stack from its settings (`.stack/env`: KAFKA_BROKERS, KAFKA_BACKEND; with
 * `sasl`, the SASL_SSL listener), quiet in test output.
 *
 * @example
 *   const client = kafkaClientFromEnv(stackEnv(), uniqueName('test'));
 */
export function kafkaClientFromEnv(
  env: Record<string, string | undefined>,
  clientId: string,
  options: { backend?: KafkaBackend; sasl?: boolean } = {},
): KafkaClient {
  return createKafkaClient({ ...kafkaConfigFromEnv(env, { clientId, ...options }), logger: silentLogger() });
}

/** A kafkajs client on the given brokers (e.g. a private broker's listener), quiet in test output. */
export function kafkaClientOn(brokers: string, clientId = 'iotp-test'): KafkaClient {
  return createKafkaClient({ backend: 'kafkajs', brokers: brokers.split(','), clientId, logger: silentLogger() });
}

async function withAdmin<T>(kafka: KafkaClient, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopics(
  kafka: KafkaClient,
  topics: { topic: string; partitions?: number; config?: Record<string, string> }[],
): Promise<void> {
  await withAdmin(kafka, (admin) =>
    admin.createTopics(topics.map((t) => ({ topic: t.topic, partitions: t.partitions ?? 4, config: t.config }))),
  );
}

export async function deleteTopics(kafka: KafkaClient, topics: string[]): Promise<void> {
  await withAdmin(kafka, (admin) => admin.deleteTopics(topics));
}

/** Deletes every topic whose name starts with `prefix` (a test's own, changelogs included). */
export async function deleteTopicsWithPrefix(kafka: KafkaClient, prefix: string): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics(mine);
  });
}

/** Records in a topic now (sum of high watermarks minus log starts). */
export async function countRecords(kafka: KafkaClient, topic: string): Promise<number> {
  return withAdmin(kafka, async (admin) =>
    (await admin.topicOffsets(topic)).reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0),
  );
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

/**
 * Every record of the topic, per partition in offset order (partitions concatenated); with
 * `read_committed`, only committed transactional records.
 */
export async function readTopic(
  kafka: KafkaClient,
  topic: string,
  isolation: 'read_uncommitted' | 'read_committed' = 'read_uncommitted',
): Promise<ConsumedRecord[]> {
  const partitions = await withAdmin(kafka, async (admin) => (await admin.topicOffsets(topic)).map((p) => p.partition));
  const out: ConsumedRecord[] = [];
  await kafka.replay({ topic, partitions, isolation, onRecords: (records) => void out.push(...records) });
  return out;
}

/**
 * True when the group committed every partition of `topics` up to its high watermark, and the
 * topics hold at least `minRecords` records (so that an empty or not yet visible topic is not "done").
 */
export async function allCommitted(admin: Admin, groupId: string, topics: string[], minRecords = 1): Promise<boolean> {
  const committed = new Map(
    (await admin.committedOffsets(groupId, topics)).map((c) => [`${c.topic}/${c.partition}`, c.offset]),
  );
  let records = 0;
  for (const topic of topics) {
    const partitions = await admin.topicOffsets(topic);
    if (partitions.length === 0) return false;
    for (const p of partitions) {
      records += Number(BigInt(p.high) - BigInt(p.low));
      if (p.high === p.low) continue;
      if (committed.get(`${topic}/${p.partition}`) !== p.high) return false;
    }
  }
  return records >= minRecords;
}

/** Decodes Confluent-wire-format values with the registry. */
export function testDecoder(registryUrl: string): {
  registry: SchemaRegistryClient;
  decode(record: ConsumedRecord): Promise<Record<string, unknown>>;
} {
  const registry = createSchemaRegistryClient({ url: registryUrl, ...registryAuthFromEnv(stackEnv()) });
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
