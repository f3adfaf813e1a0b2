import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { IotpError } from '../../../lib/errors.js';
import type {
  Admin,
  Batch,
  ConsumedRecord,
  Consumer,
  KafkaClient,
  Producer,
  ProducerRecord,
  TopicPartitionOffset,
  TransactionalProducer,
} from '../../../lib/kafka/types.js';
import { silentLogger } from '../../../lib/runtime/log.js';
import { statsTopology } from '../../test-utils/stats-topology.js';
import { StreamTask } from '../task/stream-task.js';
import { streamsMetrics } from './streams-metrics.js';
import { type Guarantee, TaskRunner } from './task-runner.js';

// An in-memory stand-in for the Kafka seam: records every call, so the runner's commit protocol
// (what goes in one transaction, in which order) and offset bookkeeping can be checked without a broker.
function fakeKafka(committed: TopicPartitionOffset[] = [], changelogs: Record<string, ConsumedRecord[]> = {}) {
  const calls: string[] = [];
  const sent: ProducerRecord[][] = [];
  let failOffsetCommit = false;
  const tx: TransactionalProducer = {
    connect: async () => void calls.push('tx.connect'),
    begin: async () => void calls.push('tx.begin'),
    send: async (records) => {
      calls.push(`tx.send(${records.length})`);
      sent.push(records);
      return [];
    },
    sendOffsets: async (_c, offsets) => void calls.push(`tx.sendOffsets(${offsets.map((o) => o.offset).join(',')})`),
    commit: async () => void calls.push('tx.commit'),
    abort: async () => void calls.push('tx.abort'),
    disconnect: async () => void calls.push('tx.disconnect'),
  };
  const producer: Producer = {
    connect: async () => undefined,
    send: async (records) => {
      calls.push(`send(${records.map((r) => r.topic.replace(/^app-/, '')).join(',')})`);
      sent.push(records);
      return [];
    },
    disconnect: async () => undefined,
  };
  const consumer = {
    groupId: 'app',
    commit: async (offsets: TopicPartitionOffset[]) => {
      if (failOffsetCommit) throw new IotpError('REBALANCE_IN_PROGRESS', 'rebalancing', { retriable: true });
      calls.push(`commit(${offsets.map((o) => o.offset).join(',')})`);
    },
  } as unknown as Consumer;
  const admin = {
    committedOffsets: async () => committed,
    topicOffsets: async () => [{ partition: 0, low: '0', high: '0' }],
  } as unknown as Admin;
  const client = {
    backend: 'kafkajs',
    transactionalProducer: () => tx,
    replay: async (o: { topic: string; onRecords(r: ConsumedRecord[]): void }) =>
      o.onRecords(changelogs[o.topic] ?? []),
  } as unknown as KafkaClient;
  return {
    calls,
    sent,
    tx,
    producer,
    consumer,
    admin,
    client,
    setFailOffsetCommit: (v: boolean) => {
      failOffsetCommit = v;
    },
  };
}

function runner(k: ReturnType<typeof fakeKafka>, guarantee: Guarantee, clock: { now: number }) {
  const topology = statsTopology({ input: 'in', output: 'out', windowMs: 10, graceMs: 0 });
  const task = new StreamTask({
    applicationId: 'app',
    partition: 0,
    topology,
    clock: () => clock.now,
    lateTopic: 'late',
    dlqTopic: 'dlq',
  });
  return new TaskRunner(task, {
    applicationId: 'app',
    guarantee,
    client: k.client,
    admin: k.admin,
    consumer: k.consumer,
    producer: guarantee === 'at_least_once' ? k.producer : undefined,
    sourceTopics: ['in'],
    commitIntervalMs: 100,
    transactionTimeoutMs: 60_000,
    clock: () => clock.now,
    now: () => 0,
    metrics: streamsMetrics(new Registry()),
    log: silentLogger(),
    txRetryBackoffMs: 1,
  });
}

const rec = (offset: number, ts: number, value = 1): ConsumedRecord => ({
  topic: 'in',
  partition: 0,
  offset: String(offset),
  key: Buffer.from('dev'),
  value: Buffer.from(JSON.stringify({ value })),
  timestamp: ts,
  headers: {},
});
const batch = (records: ConsumedRecord[]): Batch => ({ topic: 'in', partition: 0, records, highWatermark: '100' });

describe('TaskRunner (fake Kafka seam)', () => {
  it('exactly_once: fences on open, then one transaction per commit with outputs, changelog and offsets', async () => {
    const k = fakeKafka();
    const clock = { now: 1_000 };
    const r = runner(k, 'exactly_once', clock);
    await r.open(['stats']);
    expect(r.transactionalId).toBe('app-in-0');
    expect(k.calls).toEqual(['tx.connect']);
    clock.now += 100;
    await r.processBatch(batch([rec(0, 1), rec(1, 12)])); // 12 closes [0,10): its entry is logged once, as a delete
    expect(k.calls.slice(1)).toEqual(['tx.begin', 'tx.send(5)', 'tx.sendOffsets(2)', 'tx.commit']);
    expect(k.sent[0]?.map((x) => x.topic)).toEqual([
      'out',
      'app-stats-changelog',
      'app-stats-changelog',
      'app-__task-meta-changelog',
      'app-__task-meta-changelog',
    ]);
  });

  it('skips records below the committed offset and any offset it already processed (a rewinding consumer)', async () => {
    const k = fakeKafka([{ topic: 'in', partition: 0, offset: '5' }]);
    const clock = { now: 0 };
    const r = runner(k, 'exactly_once', clock);
    await r.open(['stats']);
    await r.processBatch(batch([rec(3, 1, 100), rec(4, 2, 100), rec(5, 3, 1), rec(6, 4, 2)]));
    await r.processBatch(batch([rec(5, 3, 1), rec(6, 4, 2), rec(7, 5, 3)])); // rewound after a rebalance
    await r.processBatch(batch([rec(8, 20, 0)])); // closes [0,10)
    clock.now += 100;
    await r.tick();
    const out = k.sent
      .flat()
      .filter((x) => x.topic === 'out')
      .map((x) => JSON.parse(String(x.value)));
    expect(out).toEqual([{ deviceId: 'dev', windowStart: 0, windowEnd: 10, count: 3, min: 1, max: 3, mean: 2 }]);
    expect(k.calls).toContain('tx.sendOffsets(9)');
  });

  it('at_least_once: outputs, then changelog, then offsets; a failed offset commit is retried at the next commit', async () => {
    const k = fakeKafka();
    const clock = { now: 0 };
    const r = runner(k, 'at_least_once', clock);
    await r.open(['stats']);
    k.setFailOffsetCommit(true);
    clock.now += 100;
    await r.processBatch(batch([rec(0, 1), rec(1, 12)]));
    expect(k.calls).toEqual([
      'send(out)',
      'send(stats-changelog,stats-changelog,__task-meta-changelog,__task-meta-changelog)',
    ]);
    k.setFailOffsetCommit(false);
    clock.now += 100;
    await r.tick(); // nothing new, but the offsets are still owed
    expect(k.calls.at(-1)).toBe('commit(2)');
  });

  it('a failed transaction aborts and surfaces STREAMS_COMMIT_FAILED', async () => {
    const k = fakeKafka();
    k.tx.commit = async () => {
      throw new IotpError('PRODUCER_FENCED', 'fenced');
    };
    const clock = { now: 0 };
    const r = runner(k, 'exactly_once', clock);
    await r.open(['stats']);
    clock.now += 100;
    await expect(r.processBatch(batch([rec(0, 1)]))).rejects.toMatchObject({ code: 'STREAMS_COMMIT_FAILED' });
    expect(k.calls).toContain('tx.abort');
  });

  it('a transaction that fails before its commit without fencing is aborted and sent again, once committed', async () => {
    const k = fakeKafka();
    const send = k.tx.send;
    let failures = 2;
    k.tx.send = async (records) => {
      if (failures-- > 0) {
        k.calls.push('tx.send failed');
        throw new IotpError('KAFKA_CONCURRENT_TRANSACTIONS', 'concurrent transactions', { retriable: true });
      }
      return send(records);
    };
    const clock = { now: 0 };
    const r = runner(k, 'exactly_once', clock);
    await r.open(['stats']);
    clock.now += 100;
    await r.processBatch(batch([rec(0, 1), rec(1, 12)]));
    expect(k.calls.slice(1)).toEqual([
      'tx.begin',
      'tx.send failed',
      'tx.abort',
      'tx.begin',
      'tx.send failed',
      'tx.abort',
      'tx.begin',
      'tx.send(5)',
      'tx.sendOffsets(2)',
      'tx.commit',
    ]);
    // The task goes on: the next commit is an ordinary one.
    await r.processBatch(batch([rec(2, 25)]));
    clock.now += 100;
    await r.tick();
    expect(k.calls.at(-1)).toBe('tx.commit');
    expect(k.calls.filter((c) => c === 'tx.sendOffsets(3)')).toHaveLength(1);
  });

  it.each([
    { failing: 'send', error: new IotpError('KAFKA_PRODUCER_FENCED', 'fenced'), attempts: 1 },
    {
      failing: 'commit', // the commit request's outcome is unknown: never sent again
      error: new IotpError('KAFKA_REQUEST_TIMED_OUT', 'timed out', { retriable: true }),
      attempts: 1,
    },
    {
      failing: 'sendOffsets', // retriable every time: the attempts run out
      error: new IotpError('KAFKA_CONCURRENT_TRANSACTIONS', 'concurrent transactions', { retriable: true }),
      attempts: 5,
    },
  ] as const)(
    '$error.code in tx.$failing: $attempts attempt(s), then STREAMS_COMMIT_FAILED',
    async ({ failing, error, attempts }) => {
      const k = fakeKafka();
      k.tx[failing] = async () => {
        throw error;
      };
      const clock = { now: 0 };
      const r = runner(k, 'exactly_once', clock);
      await r.open(['stats']);
      clock.now += 100;
      await expect(r.processBatch(batch([rec(0, 1)]))).rejects.toMatchObject({
        code: 'STREAMS_COMMIT_FAILED',
        context: { attempts },
      });
      expect(k.calls.filter((c) => c === 'tx.begin')).toHaveLength(attempts);
    },
  );

  it('the input offset logged with the state wins over a lagging group offset', async () => {
    const offset = Buffer.alloc(8);
    offset.writeBigInt64BE(5n, 0);
    const meta: ConsumedRecord = {
      topic: 'app-__task-meta-changelog',
      partition: 0,
      offset: '0',
      key: Buffer.from('offset:in'),
      value: offset,
      timestamp: 0,
      headers: {},
    };
    const k = fakeKafka([{ topic: 'in', partition: 0, offset: '2' }], { 'app-__task-meta-changelog': [meta] });
    const clock = { now: 0 };
    const r = runner(k, 'exactly_once', clock);
    await r.open(['stats']);
    await r.processBatch(batch([rec(2, 1, 100), rec(3, 1, 100), rec(4, 1, 100), rec(5, 2, 7), rec(6, 20, 0)]));
    clock.now += 100;
    await r.tick();
    const out = k.sent
      .flat()
      .filter((x) => x.topic === 'out')
      .map((x) => JSON.parse(String(x.value)).count);
    expect(out).toEqual([1]); // only offset 5 in window [0,10): 2..4 were already in the restored state
  });
});
