import { describe, expect, it } from 'vitest';
import type { KafkaBackend, Producer } from '../../lib/kafka/types.js';
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
      const instances: KafkaStreams[] = [];
      const {
        env,
        admin,
        app,
        input: readings,
        output,
      } = await statsTopics(`copart-${backend}`, PARTITIONS, onTestFinished, async () => {
        for (const s of instances) await s.close();
      });
      const devices = `${app}.devices`;
      await admin.createTopics([{ topic: devices, partitions: PARTITIONS, config: { 'cleanup.policy': 'compact' } }]);
      const start = async (n: number) => {
        const client = kafkaClientFromEnv(env, `${app}-${n}`, { backend });
        const s = new KafkaStreams(enrichTopology({ readings, devices, output }), {
          applicationId: app,
          client,
          commitIntervalMs: 100,
          sessionTimeoutMs: 10_000,
          dlqTopic: `${app}-dlq`,
        });
        instances.push(s);
        await s.start();
        return s;
      };
      const client = kafkaClientFromEnv(env, `${app}-test`, { backend });
      const producer = client.producer();
      await producer.connect();
      onTestFinished(() => producer.disconnect());
      const t0 = Date.now() - 60_000;
      await send(
        producer,
        devices,
        Array.from({ length: 20 }, (_, i): [string, unknown] => [`dev-${i}`, { site: `site-${i % 4}` }]),
        t0,
      );
      const first = await start(1);
      await waitUntil('the first instance is ready', () => first.isReady(), 60_000);
      const second = await start(2);
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

      await send(
        producer,
        readings,
        Array.from({ length: READINGS }, (_, i): [string, unknown] => [`dev-${i % 20}`, { value: i }]),
        t0 + 1,
      );
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
  );

  it('split by RoundRobin (copartitioned: false): no member runs a split task (both not ready); when one leaves, the other runs everything and the results are exact', async ({
    onTestFinished,
  }) => {
    const instances: KafkaStreams[] = [];
    const {
      env,
      admin,
      app,
      input: readings,
      output,
    } = await statsTopics('split', PARTITIONS, onTestFinished, async () => {
      for (const s of instances) await s.close();
    });
    const devices = `${app}.devices`;
    await admin.createTopics([{ topic: devices, partitions: PARTITIONS, config: { 'cleanup.policy': 'compact' } }]);
    const start = async (n: number) => {
      const client = kafkaClientFromEnv(env, `${app}-${n}`, { backend: 'kafkajs' });
      const s = new KafkaStreams(enrichTopology({ readings, devices, output }), {
        applicationId: app,
        client,
        commitIntervalMs: 100,
        sessionTimeoutMs: 10_000,
        dlqTopic: `${app}-dlq`,
        copartitioned: false,
      });
      instances.push(s);
      await s.start();
      return s;
    };
    const client = kafkaClientFromEnv(env, `${app}-test`, { backend: 'kafkajs' });
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const t0 = Date.now() - 60_000;
    await send(
      producer,
      devices,
      Array.from({ length: 20 }, (_, i): [string, unknown] => [`dev-${i}`, { site: `site-${i % 4}` }]),
      t0,
    );

    const first = await start(1);
    await waitUntil('the first instance is ready', () => first.isReady(), 60_000);
    const second = await start(2);
    await waitUntil(
      () => `every partition number split (first: ${first.splitPartitions()}, second: ${second.splitPartitions()})`,
      () => first.splitPartitions().length + second.splitPartitions().length === 2 * PARTITIONS,
      90_000,
    );
    expect(first.isReady()).toBe(false);
    expect(second.isReady()).toBe(false);
    await send(
      producer,
      readings,
      Array.from({ length: READINGS }, (_, i): [string, unknown] => [`dev-${i % 20}`, { value: i }]),
      t0 + 1,
    );

    await second.close();
    await waitUntil('the first instance holds every partition again', () => first.isReady(), 90_000);
    expect(first.splitPartitions()).toEqual([]);
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
  }, 240_000);
});
