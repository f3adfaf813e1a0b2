/**
 * The Kafka seam's contract: one suite, run against the real broker for each backend.
 * Every test uses its own random topics and groups and deletes its topics afterwards.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { IotpError } from '../../lib/errors.js';
import {
  createKafkaClient,
  groupLag,
  KafkaErrorCodes,
  kafkaConfigFromEnv,
  nextOffset,
  partitionForKey,
} from '../../lib/kafka/index.js';
import type {
  Admin,
  Batch,
  ConsumedRecord,
  Consumer,
  ConsumerHandlers,
  KafkaBackend,
  KafkaClient,
  ProducerRecord,
  TopicPartition,
} from '../../lib/kafka/types.js';
import { createLogger } from '../../lib/runtime/log.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const logger = createLogger('kafka-contract', { level: process.env.LOG_LEVEL ?? 'error' });
const BACKENDS: KafkaBackend[] = ['kafkajs', 'rdkafka'];

function clientFor(backend: KafkaBackend, sasl = false): KafkaClient {
  return createKafkaClient({ ...kafkaConfigFromEnv(env, { clientId: `contract-${backend}`, backend, sasl }), logger });
}

/** Polls `check` until it holds; fails naming `what` if it never does (a guard, not a timing assertion). */
async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  for (let waited = 0; waited <= limitMs; waited += 50) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

async function newTopic(admin: Admin, prefix: string, partitions: number, config?: Record<string, string>) {
  const topic = uniqueName(prefix);
  await admin.createTopics([{ topic, partitions, ...(config ? { config } : {}) }]);
  onTestFinished(() => admin.deleteTopics([topic]));
  return topic;
}

/** A running group consumer that collects what it receives; disconnected when the test ends. */
async function collect(
  client: KafkaClient,
  topics: string[],
  options: {
    groupId?: string;
    isolation?: 'read_committed' | 'read_uncommitted';
    handlers?: Partial<ConsumerHandlers>;
  } = {},
) {
  const records: ConsumedRecord[] = [];
  const batches: Batch[] = [];
  const errors: IotpError[] = [];
  const consumer = client.consumer({
    groupId: options.groupId ?? uniqueName('contract-group'),
    ...(options.isolation ? { isolation: options.isolation } : {}),
  });
  await consumer.connect();
  let connected = true;
  const disconnect = async () => {
    if (!connected) return;
    connected = false;
    await consumer.disconnect();
  };
  onTestFinished(disconnect);
  await consumer.subscribe(topics);
  await consumer.run({
    ...options.handlers,
    onError: (e) => errors.push(e),
    eachBatch: async (batch) => {
      batches.push(batch);
      records.push(...batch.records);
      await options.handlers?.eachBatch?.(batch);
    },
  });
  return { consumer, records, batches, errors, disconnect };
}

const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

describe.each(BACKENDS)('Kafka seam contract (%s)', (backend) => {
  let client: KafkaClient;
  let admin: Admin;

  beforeAll(async () => {
    client = clientFor(backend);
    admin = client.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
  });

  it('round-trips records keeping per-key order, keys, headers, timestamps and the Java partition', async () => {
    const topic = await newTopic(admin, 'contract-roundtrip', 3);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    const base = 1_700_000_000_000;
    const sent: ProducerRecord[] = [];
    for (let i = 0; i < 60; i++) {
      const key = `device-${i % 6}`;
      sent.push({
        topic,
        key,
        value: Buffer.from(JSON.stringify({ key, seq: Math.floor(i / 6) })),
        timestamp: base + i,
        headers: { seq: String(i), 'mqtt.topic': `sensors/${key}/température` },
      });
    }
    sent.push({ topic, key: 'tombstone', value: null, timestamp: base + 100 });
    // Three concurrent sends: order must still hold per key.
    const metadata = (
      await Promise.all([
        producer.send(sent.slice(0, 20)),
        producer.send(sent.slice(20, 40)),
        producer.send(sent.slice(40)),
      ])
    ).flat();
    expect(metadata).toHaveLength(sent.length);
    for (const [i, m] of metadata.entries()) {
      expect(m.topic).toBe(topic);
      expect(m.partition).toBe(partitionForKey(String(sent[i]?.key), 3));
    }

    const { records, errors } = await collect(client, [topic]);
    await until('all records consumed', () => records.length >= sent.length);
    expect(errors).toEqual([]);
    expect(records).toHaveLength(sent.length);

    const byOffset = new Map(records.map((r) => [`${r.partition}/${r.offset}`, r]));
    for (const [i, m] of metadata.entries()) {
      const got = byOffset.get(`${m.partition}/${m.offset}`);
      const want = sent[i]!;
      expect(got, `record ${i}`).toBeDefined();
      expect(text(got!.key)).toBe(want.key);
      expect(text(got!.value)).toBe(text(want.value));
      expect(got!.timestamp).toBe(want.timestamp);
      expect(got!.headers).toEqual(want.headers ?? {});
    }
    for (let k = 0; k < 6; k++) {
      const seqs = records
        .filter((r) => text(r.key) === `device-${k}`)
        .map((r) => (JSON.parse(text(r.value) ?? '{}') as { seq: number }).seq);
      expect(seqs).toEqual([...Array(10).keys()]);
    }
  });

  it('commits only what the caller commits; a new member of the group resumes after it', async () => {
    const topic = await newTopic(admin, 'contract-commit', 1);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send([...Array(10).keys()].map((i) => ({ topic, key: 'k', value: Buffer.from(`v${i}`) })));

    const groupId = uniqueName('contract-commit-group');
    const first = await collect(client, [topic], { groupId });
    await until('first consumer saw all 10', () => first.records.length >= 10);
    await first.consumer.commit([{ topic, partition: 0, offset: '4' }]);
    await first.disconnect();
    expect(await admin.committedOffsets(groupId, [topic])).toEqual([{ topic, partition: 0, offset: '4' }]);
    const lag = await groupLag(admin, groupId, [topic]);
    expect(lag).toEqual([{ topic, partition: 0, high: '10', committed: '4', lag: 6 }]);

    const second = await collect(client, [topic], { groupId });
    await until('second consumer saw the rest', () => second.records.length >= 6);
    expect(second.records.map((r) => r.offset)).toEqual(['4', '5', '6', '7', '8', '9']);
    expect(second.records.map((r) => text(r.value))).toEqual(['v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
  });

  it('starts a new group where setGroupOffsets put it', async () => {
    const topic = await newTopic(admin, 'contract-set-offsets', 1);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send([...Array(8).keys()].map((i) => ({ topic, key: 'k', value: Buffer.from(`v${i}`) })));

    const groupId = uniqueName('contract-set-offsets-group');
    await admin.setGroupOffsets(groupId, [{ topic, partition: 0, offset: '6' }]);
    expect(await admin.committedOffsets(groupId, [topic])).toEqual([{ topic, partition: 0, offset: '6' }]);
    const consumer = await collect(client, [topic], { groupId });
    await until('the consumer saw the last two', () => consumer.records.length >= 2);
    await consumer.disconnect();
    expect(consumer.records.map((r) => text(r.value))).toEqual(['v6', 'v7']);
  });

  it('calls onAssign before batches and onRevoke on disconnect, while still a member', async () => {
    const topic = await newTopic(admin, 'contract-hooks', 2);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send([
      { topic, partition: 0, key: 'a', value: Buffer.from('p0') },
      { topic, partition: 1, key: 'b', value: Buffer.from('p1') },
    ]);
    const groupId = uniqueName('contract-hooks-group');
    const log: string[] = [];
    const assigned = new Set<string>();
    let consumer: Consumer | undefined;
    const c = await collect(client, [topic], {
      groupId,
      handlers: {
        onAssign: async (tps: TopicPartition[]) => {
          for (const tp of tps) assigned.add(`${tp.topic}/${tp.partition}`);
          log.push(`assign ${tps.map((t) => t.partition).sort()}`);
        },
        onRevoke: async (tps: TopicPartition[]) => {
          log.push(`revoke ${tps.map((t) => t.partition).sort()}`);
          // Still a member: committing here must work.
          await consumer?.commit(tps.map((tp) => ({ ...tp, offset: '1' })));
        },
        eachBatch: async (batch: Batch) => {
          if (!assigned.has(`${batch.topic}/${batch.partition}`)) log.push(`batch before assign ${batch.partition}`);
        },
      },
    });
    consumer = c.consumer;
    await until('both records consumed', () => c.records.length >= 2);
    expect(
      c.consumer
        .assignment()
        .map((tp) => tp.partition)
        .sort(),
    ).toEqual([0, 1]);
    await c.disconnect();
    expect(c.errors).toEqual([]);
    expect(log).toEqual(['assign 0,1', 'revoke 0,1']);
    expect(await admin.committedOffsets(groupId, [topic])).toEqual([
      { topic, partition: 0, offset: '1' },
      { topic, partition: 1, offset: '1' },
    ]);
  });

  it('splits partitions between two members and reports what moved', async () => {
    const topic = await newTopic(admin, 'contract-rebalance', 4);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send(
      [0, 1, 2, 3].map((partition) => ({ topic, partition, key: 'k', value: Buffer.from(`p${partition}`) })),
    );
    const groupId = uniqueName('contract-rebalance-group');
    const hooks = (assigned: number[], revoked: number[]) => ({
      onAssign: async (tps: TopicPartition[]) => void assigned.push(...tps.map((t) => t.partition)),
      onRevoke: async (tps: TopicPartition[]) => void revoked.push(...tps.map((t) => t.partition)),
    });
    const [assignedA, revokedA, assignedB, revokedB] = [[], [], [], []] as number[][];
    const a = await collect(client, [topic], { groupId, handlers: hooks(assignedA!, revokedA!) });
    await until('first member owns all four', () => a.consumer.assignment().length === 4 && assignedA!.length === 4);
    const b = await collect(client, [topic], { groupId, handlers: hooks(assignedB!, revokedB!) });
    await until(
      'the partitions are split and the hooks ran',
      () => b.consumer.assignment().length > 0 && a.consumer.assignment().length + b.consumer.assignment().length === 4,
    );
    await until('hooks ran', () => revokedA!.length > 0 && assignedB!.length > 0);
    const ofA = a.consumer.assignment().map((t) => t.partition);
    const ofB = b.consumer.assignment().map((t) => t.partition);
    expect([...ofA, ...ofB].sort()).toEqual([0, 1, 2, 3]);
    expect([...revokedA!].sort()).toEqual([...ofB].sort());
    expect([...assignedB!].sort()).toEqual([...ofB].sort());
    expect(revokedB).toEqual([]);
    const seen = new Set([...a.records, ...b.records].map((r) => text(r.value)));
    expect([...seen].sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('stops and reports a failing batch handler, committing nothing', async () => {
    const topic = await newTopic(admin, 'contract-handler-error', 1);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send([0, 1, 2].map((i) => ({ topic, key: 'k', value: Buffer.from(`v${i}`) })));
    const groupId = uniqueName('contract-handler-error-group');
    const c = await collect(client, [topic], {
      groupId,
      handlers: {
        eachBatch: async () => {
          throw new Error('cannot process');
        },
      },
    });
    await until('the error reached onError', () => c.errors.length > 0);
    expect(c.errors).toHaveLength(1);
    expect(c.errors[0]!.code).toBe(KafkaErrorCodes.HANDLER_FAILED);
    expect((c.errors[0]!.cause as Error).message).toBe('cannot process');
    expect(c.errors[0]!.context).toMatchObject({ topic, partition: 0, offset: '0' });
    await c.disconnect();
    expect(await admin.committedOffsets(groupId, [topic])).toEqual([]);
  });

  it('pauses and resumes a partition', async () => {
    const topic = await newTopic(admin, 'contract-pause', 2);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send([{ topic, partition: 0, key: 'a', value: Buffer.from('first') }]);
    const c = await collect(client, [topic]);
    await until('first record', () => c.records.length === 1);
    c.consumer.pause([{ topic, partition: 0 }]);
    await producer.send([{ topic, partition: 0, key: 'a', value: Buffer.from('while paused') }]);
    await producer.send([{ topic, partition: 1, key: 'b', value: Buffer.from('other partition') }]);
    await until('record of the running partition', () => c.records.some((r) => r.partition === 1));
    expect(c.records.map((r) => text(r.value))).toEqual(['first', 'other partition']);
    c.consumer.resume([{ topic, partition: 0 }]);
    await until('paused record after resume', () => c.records.length === 3);
    expect(text(c.records[2]!.value)).toBe('while paused');
  });

  it('commits output records and consumer offsets in one transaction', async () => {
    const input = await newTopic(admin, 'contract-tx-in', 1);
    const output = await newTopic(admin, 'contract-tx-out', 2);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send(
      [...Array(5).keys()].map((i) => ({ topic: input, key: `k${i}`, value: Buffer.from(`in${i}`) })),
    );

    const tx = client.transactionalProducer({ transactionalId: uniqueName('contract-txid') });
    await tx.connect();
    onTestFinished(() => tx.disconnect());
    const groupId = uniqueName('contract-tx-group');
    let done = false;
    let consumer: Consumer | undefined;
    const c = await collect(client, [input], {
      groupId,
      handlers: {
        eachBatch: async (batch) => {
          await tx.begin();
          await tx.send(
            batch.records.map((r) => ({ topic: output, key: r.key, value: Buffer.from(`out-${text(r.value)}`) })),
          );
          await tx.sendOffsets(consumer!, [
            { topic: input, partition: batch.partition, offset: nextOffset(batch.records.at(-1)!.offset) },
          ]);
          await tx.commit();
          done = batch.records.some((r) => r.offset === '4');
        },
      },
    });
    consumer = c.consumer;
    await until('transaction committed', () => done || c.errors.length > 0);
    expect(c.errors).toEqual([]);
    await c.disconnect();

    expect(await admin.committedOffsets(groupId, [input])).toEqual([{ topic: input, partition: 0, offset: '5' }]);
    const reader = await collect(client, [output], { isolation: 'read_committed' });
    await until('outputs visible to read_committed', () => reader.records.length >= 5);
    expect(reader.records.map((r) => text(r.value)).sort()).toEqual([
      'out-in0',
      'out-in1',
      'out-in2',
      'out-in3',
      'out-in4',
    ]);
  });

  it('aborts a transaction: outputs invisible to read_committed, offsets not moved', async () => {
    const input = await newTopic(admin, 'contract-abort-in', 1);
    const output = await newTopic(admin, 'contract-abort-out', 1);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send([...Array(3).keys()].map((i) => ({ topic: input, key: 'k', value: Buffer.from(`in${i}`) })));

    const tx = client.transactionalProducer({ transactionalId: uniqueName('contract-txid') });
    await tx.connect();
    onTestFinished(() => tx.disconnect());
    const groupId = uniqueName('contract-abort-group');
    let aborted = false;
    let consumer: Consumer | undefined;
    const c = await collect(client, [input], {
      groupId,
      handlers: {
        eachBatch: async (batch) => {
          if (aborted) return;
          await tx.begin();
          await tx.send(
            batch.records.map((r) => ({ topic: output, key: 'k', value: Buffer.from(`aborted-${text(r.value)}`) })),
          );
          await tx.sendOffsets(consumer!, [
            { topic: input, partition: 0, offset: nextOffset(batch.records.at(-1)!.offset) },
          ]);
          await tx.abort();
          aborted = true;
        },
      },
    });
    consumer = c.consumer;
    await until('transaction aborted', () => aborted || c.errors.length > 0);
    expect(c.errors).toEqual([]);
    await c.disconnect();
    expect(await admin.committedOffsets(groupId, [input])).toEqual([]);

    // A committed marker after the aborted records: read_committed sees it and nothing aborted.
    await tx.begin();
    await tx.send([{ topic: output, key: 'k', value: Buffer.from('committed') }]);
    await tx.commit();
    const committedReader = await collect(client, [output], { isolation: 'read_committed' });
    const uncommittedReader = await collect(client, [output], { isolation: 'read_uncommitted' });
    await until('read_committed reached the marker', () => committedReader.records.length >= 1);
    await until('read_uncommitted reached the marker', () =>
      uncommittedReader.records.some((r) => text(r.value) === 'committed'),
    );
    expect(committedReader.records.map((r) => text(r.value))).toEqual(['committed']);
    expect(uncommittedReader.records.map((r) => text(r.value))).toEqual([
      'aborted-in0',
      'aborted-in1',
      'aborted-in2',
      'committed',
    ]);
  });

  it('hides interleaved aborted transactions of two producers whose markers come in another order', async () => {
    // What a kill -9 leaves behind with one transactional producer per task: open transactions of
    // several producers interleaved in one output partition, aborted (fenced) in any order. The
    // broker lists aborted transactions by marker offset: here A's (first offset 2) before B's (0).
    // Unpatched kafkajs 2.2.4 returned B's first records (patches/kafkajs+2.2.4.patch).
    const topic = await newTopic(admin, 'contract-interleaved', 1);
    const producerFor = async (name: string) => {
      const tx = client.transactionalProducer({ transactionalId: uniqueName(`contract-${name}-txid`) });
      await tx.connect();
      onTestFinished(() => tx.disconnect());
      return tx;
    };
    const a = await producerFor('a');
    const b = await producerFor('b');
    const value = (v: string) => ({ topic, partition: 0, key: 'k', value: Buffer.from(v) });
    await b.begin();
    await b.send([value('B-aborted-0'), value('B-aborted-1')]);
    await a.begin();
    await a.send([value('A-aborted-2')]);
    await b.send([value('B-aborted-3')]);
    await a.abort();
    await b.abort();
    await a.begin();
    await a.send([value('A-committed')]);
    await a.commit();

    const reader = await collect(client, [topic], { isolation: 'read_committed' });
    await until('read_committed reached the committed record', () =>
      reader.records.some((r) => text(r.value) === 'A-committed'),
    );
    expect(reader.records.map((r) => text(r.value))).toEqual(['A-committed']);
    const replayed: ConsumedRecord[] = [];
    await client.replay({ topic, partitions: [0], onRecords: (records) => void replayed.push(...records) });
    expect(replayed.map((r) => text(r.value))).toEqual(['A-committed']);
  });

  it('fences the older of two producers with the same transactional.id', async () => {
    const output = await newTopic(admin, 'contract-fence', 1);
    const transactionalId = uniqueName('contract-fence-txid');
    const older = client.transactionalProducer({ transactionalId });
    await older.connect();
    onTestFinished(() => older.disconnect().catch(() => {}));
    await older.begin();
    await older.send([{ topic: output, key: 'k', value: Buffer.from('zombie') }]);

    const newer = client.transactionalProducer({ transactionalId });
    await newer.connect();
    onTestFinished(() => newer.disconnect());

    const failure = await older.commit().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(IotpError);
    expect((failure as IotpError).code).toBe(KafkaErrorCodes.PRODUCER_FENCED);
    expect((failure as IotpError).retriable).toBe(false);
    // It stays fenced: a new transaction fails the same way.
    const later = await older
      .begin()
      .then(() => older.send([{ topic: output, key: 'k', value: Buffer.from('zombie again') }]))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((later as IotpError).code).toBe(KafkaErrorCodes.PRODUCER_FENCED);

    await newer.begin();
    await newer.send([{ topic: output, key: 'k', value: Buffer.from('current') }]);
    await newer.commit();
    const reader = await collect(client, [output], { isolation: 'read_committed' });
    await until('the current producer output', () => reader.records.length >= 1);
    expect(reader.records.map((r) => text(r.value))).toEqual(['current']);
  });

  it('replays exactly what was written, from the log start, with no consumer group', async () => {
    const topic = await newTopic(admin, 'contract-replay', 2, { 'cleanup.policy': 'compact' });
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const written = await producer.send(
      [...Array(40).keys()].map((i) => ({
        topic,
        key: `key-${i}`,
        value: Buffer.from(`v${i}`),
        headers: { i: String(i) },
      })),
    );
    // An aborted transaction (invisible) and a committed one (visible) at the end of the log.
    const tx = client.transactionalProducer({ transactionalId: uniqueName('contract-replay-txid') });
    await tx.connect();
    onTestFinished(() => tx.disconnect());
    await tx.begin();
    await tx.send([{ topic, key: 'key-aborted', value: Buffer.from('aborted') }]);
    await tx.abort();
    await tx.begin();
    const committed = await tx.send([{ topic, key: 'key-committed', value: Buffer.from('committed') }]);
    await tx.commit();

    const groupsBefore = new Set(await admin.listGroups());
    const got: ConsumedRecord[] = [];
    await client.replay({ topic, partitions: [0, 1], onRecords: (records) => void got.push(...records) });

    const expected = [...written, ...committed].map((m) => `${m.partition}/${m.offset}`).sort();
    expect(got.map((r) => `${r.partition}/${r.offset}`).sort()).toEqual(expected);
    for (const p of [0, 1]) {
      const offsets = got.filter((r) => r.partition === p).map((r) => BigInt(r.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    expect(got.find((r) => text(r.key) === 'key-7')?.headers).toEqual({ i: '7' });
    expect(got.some((r) => text(r.value) === 'aborted')).toBe(false);
    const newGroups = (await admin.listGroups()).filter((g) => !groupsBefore.has(g) && g.includes('replay'));
    expect(newGroups).toEqual([]);

    // Records written after the call started are not part of the replay.
    const again: ConsumedRecord[] = [];
    let wroteMore = false;
    await client.replay({
      topic,
      partitions: [0, 1],
      onRecords: async (records) => {
        if (!wroteMore) {
          wroteMore = true;
          await producer.send(
            [0, 1].map((partition) => ({ topic, partition, key: 'late', value: Buffer.from('late') })),
          );
        }
        again.push(...records);
      },
    });
    expect(wroteMore).toBe(true);
    expect(again.map((r) => `${r.partition}/${r.offset}`).sort()).toEqual(expected);

    // Replaying an empty partition list or an empty topic resolves with nothing.
    const empty = await newTopic(admin, 'contract-replay-empty', 1);
    let calls = 0;
    await client.replay({ topic: empty, partitions: [0], onRecords: () => void calls++ });
    expect(calls).toBe(0);
  });

  it('administers topics, offsets and groups', async () => {
    const topic = uniqueName('contract-admin');
    onTestFinished(() => admin.deleteTopics([topic]));
    await admin.createTopics([{ topic, partitions: 3, config: { 'cleanup.policy': 'compact' } }]);
    await admin.createTopics([{ topic, partitions: 3 }]); // idempotent
    expect(await admin.listTopics()).toContain(topic);
    expect((await admin.listTopics()).some((t) => t.startsWith('__'))).toBe(false);
    expect(await admin.partitionCount(topic)).toBe(3);
    expect(await admin.partitionCount(uniqueName('contract-missing'))).toBeUndefined();

    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send([...Array(9).keys()].map((i) => ({ topic, key: `k${i}`, value: Buffer.from('v') })));
    const offsets = await admin.topicOffsets(topic);
    expect(offsets.map((o) => o.partition)).toEqual([0, 1, 2]);
    expect(offsets.every((o) => o.low === '0')).toBe(true);
    expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(9);

    const groupId = uniqueName('contract-admin-group');
    const c = await collect(client, [topic], { groupId });
    await until('all consumed', () => c.records.length >= 9);
    await c.consumer.commit(offsets.map((o) => ({ topic, partition: o.partition, offset: o.high })));
    expect(await admin.listGroups()).toContain(groupId);
    expect(await admin.committedOffsets(groupId, [topic])).toEqual(
      offsets.map((o) => ({ topic, partition: o.partition, offset: o.high })),
    );
    expect((await groupLag(admin, groupId, [topic])).every((l) => l.lag === 0)).toBe(true);
    await c.disconnect();

    await admin.deleteTopics([topic]);
    await until('topic gone', async () => !(await admin.listTopics()).includes(topic));
    expect(await admin.partitionCount(topic)).toBeUndefined();
    await admin.deleteTopics([topic]); // unknown topics are ignored
  });

  it('maps broker errors to coded, non-retriable IotpErrors', async () => {
    const topic = uniqueName('contract-bad-config');
    onTestFinished(() => admin.deleteTopics([topic]));
    const failure = await admin
      .createTopics([{ topic, partitions: 1, config: { 'cleanup.policy': 'sometimes' } }])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(IotpError);
    expect((failure as IotpError).code).toBe('KAFKA_INVALID_CONFIG');
    expect((failure as IotpError).retriable).toBe(false);
    expect((failure as IotpError).context.backend).toBe(backend);
  });

  it('round-trips over SASL_SSL (SCRAM, CA from KAFKA_SSL_CA)', async () => {
    const secure = clientFor(backend, true);
    const secureAdmin = secure.admin();
    await secureAdmin.connect();
    onTestFinished(() => secureAdmin.disconnect());
    const topic = await newTopic(secureAdmin, 'contract-sasl', 1);
    const producer = secure.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send([{ topic, key: 'k', value: Buffer.from('over tls'), headers: { h: 'v' } }]);
    const c = await collect(secure, [topic]);
    await until('record over SASL_SSL', () => c.records.length >= 1);
    expect(text(c.records[0]!.value)).toBe('over tls');
    expect(c.records[0]!.headers).toEqual({ h: 'v' });
  });
});

describe('Kafka seam across backends', () => {
  it('puts a key on the same partition whichever backend produced it', async () => {
    const clients = BACKENDS.map((b) => clientFor(b));
    const admin = clients[0]!.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    const topic = await newTopic(admin, 'contract-cross', 12);
    const keys = [...Array(30).keys()].map((i) => `device-${i * 7919}`);
    const placed = new Map<KafkaBackend, number[]>();
    for (const c of clients) {
      const producer = c.producer();
      await producer.connect();
      onTestFinished(() => producer.disconnect());
      const meta = await producer.send(keys.map((key) => ({ topic, key, value: Buffer.from(c.backend) })));
      placed.set(
        c.backend,
        meta.map((m) => m.partition),
      );
    }
    expect(placed.get('kafkajs')).toEqual(placed.get('rdkafka'));
    expect(placed.get('kafkajs')).toEqual(keys.map((k) => partitionForKey(k, 12)));
    expect(new Set(placed.get('kafkajs')).size).toBeGreaterThan(5);
  });
});
