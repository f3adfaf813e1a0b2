import { describe, expect, it } from 'vitest';
import type { Producer } from '../../lib/kafka/types.js';
import { type EnrichedReading, enrichTopology } from '../../streams/runtime/joins/test-support/enrich-topology.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { statsTopics } from '../../streams/test-utils/stats-fixture.js';
import { allCommitted, readTopic } from '../helpers/kafka.js';
import { waitUntil } from '../helpers/wait.js';

const PARTITIONS = 3;

async function send(producer: Producer, topic: string, key: string, value: unknown, timestamp: number) {
  const bytes = value === null ? null : Buffer.from(JSON.stringify(value));
  await producer.send([{ topic, key, value: bytes, timestamp }]);
}

describe('KStream-KTable join (real broker)', () => {
  it('table rows written before and after the stream records: each reading is joined with the row current when it is processed; the table is restored after a restart', async ({
    onTestFinished,
  }) => {
    const streamsList: KafkaStreams[] = [];
    const {
      client,
      admin,
      app,
      input: readings,
      output,
    } = await statsTopics('join', PARTITIONS, onTestFinished, async () => {
      for (const s of streamsList) await s.close();
    });
    const devices = `${app}.devices`;
    await admin.createTopics([{ topic: devices, partitions: PARTITIONS, config: { 'cleanup.policy': 'compact' } }]);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const start = async () => {
      const s = new KafkaStreams(enrichTopology({ readings, devices, output }), {
        applicationId: app,
        client,
        commitIntervalMs: 100,
        dlqTopic: `${app}-dlq`,
      });
      streamsList.push(s);
      await s.start();
      await waitUntil('the streams instance is ready', () => s.isReady(), 60_000);
      return s;
    };
    const results = async () =>
      (await readTopic(client, output, 'read_committed')).map((r) => {
        const v = JSON.parse(r.value?.toString() ?? 'null') as EnrichedReading;
        return `${r.key?.toString()}:${v.value}:${v.site}`;
      });
    const waitResults = async (n: number) => {
      let got: string[] = [];
      await waitUntil(
        () => `${n} results, got ${got.length}: ${got.join(' ')}`,
        async () => {
          got = await results();
          return got.length >= n;
        },
        60_000,
      );
      return got;
    };
    const tableConsumed = () =>
      waitUntil('the table updates are processed and committed', () => allCommitted(admin, app, [devices]), 60_000);
    const t0 = Date.now() - 60_000;

    // A row written before the application starts, then readings of a known and an unknown device.
    await send(producer, devices, 'dev-1', { site: 'north' }, t0);
    // The task catches the table up to its end when it opens, before any reading: no wait needed.
    const first = await start();
    await send(producer, readings, 'dev-1', { value: 1 }, t0 + 1);
    await send(producer, readings, 'dev-2', { value: 1 }, t0 + 2);
    expect((await waitResults(2)).sort()).toEqual(['dev-1:1:north', 'dev-2:1:null']);

    // Rows written after the readings: later readings see them; the earlier results stay as they were.
    // While running, records are processed in fetch order, not by timestamp across topics (Kafka
    // Streams orders them, KIP-695): the test waits for the rows to be processed, as "before" means.
    await send(producer, devices, 'dev-1', { site: 'east' }, t0 + 3);
    await send(producer, devices, 'dev-2', { site: 'south' }, t0 + 4);
    await tableConsumed();
    await send(producer, readings, 'dev-1', { value: 2 }, t0 + 5);
    await send(producer, readings, 'dev-2', { value: 2 }, t0 + 6);
    // A tombstone deletes a row: the next reading of that device is unknown again.
    await send(producer, devices, 'dev-1', null, t0 + 7);
    await tableConsumed();
    await send(producer, readings, 'dev-1', { value: 3 }, t0 + 8);
    const before = await waitResults(5);

    // A new instance restores the table from its changelog (the table topic is not re-read).
    await first.close();
    const changelog = await readTopic(client, `${app}-devices-changelog`, 'read_committed');
    expect(changelog.length).toBeGreaterThan(0);
    await start();
    await send(producer, readings, 'dev-2', { value: 3 }, t0 + 9);
    await send(producer, readings, 'dev-1', { value: 4 }, t0 + 10);
    const all = await waitResults(7);
    const byKey = (key: string) => all.filter((r) => r.startsWith(`${key}:`));
    expect(byKey('dev-1')).toEqual(['dev-1:1:north', 'dev-1:2:east', 'dev-1:3:null', 'dev-1:4:null']);
    expect(byKey('dev-2')).toEqual(['dev-2:1:null', 'dev-2:2:south', 'dev-2:3:south']);
    expect(all).toHaveLength(7);
    expect(before).toHaveLength(5);
  }, 180_000);
});
