import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type {
  Admin,
  ConsumedRecord,
  Consumer,
  KafkaClient,
  ProducerRecord,
  TopicPartitionOffset,
  TransactionalProducer,
} from '../../../lib/kafka/types.js';
import { silentLogger } from '../../../lib/runtime/log.js';
import { enrichTopology } from '../joins/test-support/enrich-topology.js';
import { StreamTask } from '../task/stream-task.js';
import { streamsMetrics } from './streams-metrics.js';
import { TaskRunner } from './task-runner.js';

const record = (topic: string, offset: number, key: string, value: unknown): ConsumedRecord => ({
  topic,
  partition: 0,
  offset: String(offset),
  key: Buffer.from(key),
  value: value === null ? null : Buffer.from(JSON.stringify(value)),
  timestamp: 1_000 + offset,
  headers: {},
});

describe('TaskRunner: table topics are caught up when a task opens', () => {
  it('processes the table from the committed offset to its end before any stream record, and skips those records when the consumer delivers them', async () => {
    const sent: ProducerRecord[] = [];
    const offsetsSent: TopicPartitionOffset[][] = [];
    const tx = {
      connect: async () => undefined,
      begin: async () => undefined,
      send: async (records: ProducerRecord[]) => {
        sent.push(...records);
        return [];
      },
      sendOffsets: async (_c: Consumer, offsets: TopicPartitionOffset[]) => void offsetsSent.push(offsets),
      commit: async () => undefined,
      abort: async () => undefined,
      disconnect: async () => undefined,
    } as TransactionalProducer;
    const table = [
      record('devices', 0, 'dev-1', { site: 'old' }), // below the committed offset: already in the store
      record('devices', 1, 'dev-1', { site: 'north' }),
      record('devices', 2, 'dev-2', { site: 'south' }),
    ];
    const admin = {
      committedOffsets: async () => [{ topic: 'devices', partition: 0, offset: '1' }],
      topicOffsets: async () => [{ partition: 0, low: '0', high: '3' }],
    } as unknown as Admin;
    const client = {
      backend: 'kafkajs',
      transactionalProducer: () => tx,
      replay: async (o: { topic: string; onRecords(r: ConsumedRecord[]): Promise<void> | void }) =>
        o.onRecords(o.topic === 'devices' ? table : []),
    } as unknown as KafkaClient;
    const topology = enrichTopology({ readings: 'readings', devices: 'devices', output: 'out' });
    const clock = { now: 0 };
    const task = new StreamTask({
      applicationId: 'app',
      partition: 0,
      topology,
      clock: () => clock.now,
      lateTopic: 'late',
      dlqTopic: 'dlq',
    });
    const runner = new TaskRunner(task, {
      applicationId: 'app',
      guarantee: 'exactly_once',
      client,
      admin,
      consumer: {} as Consumer,
      producer: undefined,
      sourceTopics: topology.sourceTopics(),
      tableTopics: topology.tableSourceTopics(),
      commitIntervalMs: 100,
      transactionTimeoutMs: 60_000,
      clock: () => clock.now,
      now: () => 0,
      metrics: streamsMetrics(new Registry()),
      log: silentLogger(),
    });
    expect(topology.tableSourceTopics()).toEqual(['devices']);
    await runner.open(['devices']);
    clock.now = 100;
    // The consumer's first batch is of readings (fetch order), then the table again from the committed offset.
    await runner.processBatch({
      topic: 'readings',
      partition: 0,
      records: [record('readings', 0, 'dev-1', { value: 1 }), record('readings', 1, 'dev-2', { value: 2 })],
      highWatermark: '2',
    });
    await runner.processBatch({ topic: 'devices', partition: 0, records: table.slice(1), highWatermark: '3' });
    clock.now = 200;
    await runner.close(true);
    const out = sent.filter((r) => r.topic === 'out').map((r) => `${r.key?.toString()}:${r.value?.toString()}`);
    expect(out).toEqual(['dev-1:{"value":1,"site":"north"}', 'dev-2:{"value":2,"site":"south"}']);
    // Each table record went into the store once (two changelog entries, offset 0 never re-read).
    const changelog = sent.filter((r) => r.topic === 'app-devices-changelog').map((r) => r.key?.toString());
    expect(changelog).toEqual(['dev-1', 'dev-2']);
    expect(offsetsSent.flat().map((o) => `${o.topic}:${o.offset}`)).toEqual(
      expect.arrayContaining(['devices:3', 'readings:2']),
    );
  });
});
