import { describe, expect, it, type onTestFinished as OnTestFinished } from 'vitest';
import type { KafkaBackend, KafkaClient, Producer } from '../../lib/kafka/types.js';
import { type EnrichedReading, enrichTopology } from '../../streams/runtime/joins/test-support/enrich-topology.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { statsTopics } from '../../streams/test-utils/stats-fixture.js';
import { kafkaClientFromEnv, readTopic } from '../helpers/kafka.js';
import { waitUntil } from '../helpers/wait.js';

const PARTITIONS = 3;
const READINGS = 300;

async function send(producer: Producer, topic: string, records: [string, unknown][], timestamp: number) {
  await producer.send(
    records.map(([key, value]) => ({ topic, key, value: Buffer.from(JSON.stringify(value)), timestamp })),
  );
}

/**
 * A join (readings left-joined with a 20-device table, 3 partitions each) ready to run in several
 * instances of one application: topics, the table's rows, a way to start an instance, and to send
 * the readings and check the joined results.
 */
async function joinApp(name: string, backend: KafkaBackend, copartitioned: boolean, onFinished: typeof OnTestFinished) {
  const instances: KafkaStreams[] = [];
  const {
    env,
    admin,
    app,
    input: readings,
    output,
  } = await statsTopics(name, PARTITIONS, onFinished, async () => {
    for (const s of instances) await s.close();
  });
  const devices = `${app}.devices`;
  await admin.createTopics([{ topic: devices, partitions: PARTITIONS, config: { 'cleanup.policy': 'compact' } }]);
  const client: KafkaClient = kafkaClientFromEnv(env, `${app}-test`, { backend });
  const producer = client.producer();
  await producer.connect();
  onFinished(() => producer.disconnect());
  const t0 = Date.now() - 60_000;
  await send(
    producer,
    devices,
    Array.from({ length: 20 }, (_, i): [string, unknown] => [`dev-${i}`, { site: `site-${i % 4}` }]),
    t0,
  );
  return {
    start: async (n: number) => {
      const s = new KafkaStreams(enrichTopology({ readings, devices, output }), {
        applicationId: app,
        client: kafkaClientFromEnv(env, `${app}-${n}`, { backend }),
        commitIntervalMs: 100,
        sessionTimeoutMs: 10_000,
        dlqTopic: `${app}-dlq`,
        copartitioned,
      });
      instances.push(s);
      await s.start();
      return s;
    },
    sendReadings: () =>
      send(
        producer,
        readings,
        Array.from({ length: READINGS }, (_, i): [string, unknown] => [`dev-${i % 20}`, { value: i }]),
        t0 + 1,
      ),
    /** Waits for every joined result, then checks each reading is there once with its device's site. */
    expectExactResults: async () => {
      let results: string[] = [];
      await waitUntil(
        () => `${READINGS} results, got ${results.length}`,
        async () => {
          results = (await readTopic(client, output, 'read_committed')).map((r) => {
            const v = JSON.parse(r.value?.toString() ?? 'null') as EnrichedReading;
            return `${r.key?.toString()}:${v.value}:${v.site}`;
          });
          return results.length >= READINGS;
        },
        90_000,
      );
      const want = Array.from({ length: READINGS }, (_, i) => `dev-${i % 20}:${i}:site-${(i % 20) % 4}`);
      expect(results.sort()).toEqual(want.sort());
    },
  };
}

// The runtime's default assignor gives partition p of every input topic to one instance
// (lib/kafka/copartitioned-assignment.ts). With kafkajs' RoundRobin instead (copartitioned: false),
// the 6 topic-partitions of two 3-partition topics are dealt to two members in turn, so each
// partition number's two topics land on different members: the runtime must then run no task for
// them (its defence if the assignment is ever split, e.g. a foreign member in the group).
describe('a join run by two instances (real broker)', () => {
  it.for<KafkaBackend>(['kafkajs', 'rdkafka'])(
    'co-partitioned (the default, %s): both instances run tasks, none split, and the results are exact',
    { timeout: 240_000 },
    async (backend, { onTestFinished }) => {
      const join = await joinApp(`copart-${backend}`, backend, true, onTestFinished);
      const first = await join.start(1);
      await waitUntil('the first instance is ready', () => first.isReady(), 60_000);
      const second = await join.start(2);
      await waitUntil(
        () =>
          `both ready with a share each (first: ${first.assignedPartitionNumbers()}, second: ${second.assignedPartitionNumbers()})`,
        () =>
          first.isReady() &&
          second.isReady() &&
          first.assignedPartitionNumbers().length > 0 &&
          second.assignedPartitionNumbers().length > 0,
        90_000,
      );
      expect(first.splitPartitions()).toEqual([]);
      expect(second.splitPartitions()).toEqual([]);
      expect([...first.assignedPartitionNumbers(), ...second.assignedPartitionNumbers()].sort()).toEqual([0, 1, 2]);
      await join.sendReadings();
      await join.expectExactResults();
    },
  );

  it('split by RoundRobin (copartitioned: false): no member runs a split task (both not ready); when one leaves, the other runs everything and the results are exact', async ({
    onTestFinished,
  }) => {
    const join = await joinApp('split', 'kafkajs', false, onTestFinished);
    const first = await join.start(1);
    await waitUntil('the first instance is ready', () => first.isReady(), 60_000);
    const second = await join.start(2);
    await waitUntil(
      () => `every partition number split (first: ${first.splitPartitions()}, second: ${second.splitPartitions()})`,
      () => first.splitPartitions().length + second.splitPartitions().length === 2 * PARTITIONS,
      90_000,
    );
    expect(first.isReady()).toBe(false);
    expect(second.isReady()).toBe(false);
    await join.sendReadings();

    await second.close();
    await waitUntil('the first instance holds every partition again', () => first.isReady(), 90_000);
    expect(first.splitPartitions()).toEqual([]);
    await join.expectExactResults();
  }, 240_000);
});
