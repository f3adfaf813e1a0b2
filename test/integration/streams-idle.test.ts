import { describe, expect, it } from 'vitest';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import {
  makeReadings,
  produceReadings,
  readCommitted,
  recentStart,
  waitUntil,
} from '../../streams/test-utils/kafka-fixtures.js';
import { statsReference } from '../../streams/test-utils/stats-reference.js';
import { type StatsResult, statsTopology } from '../../streams/test-utils/stats-topology.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const WINDOW = 1_000;
const GRACE = 200;
const PARTITIONS = 2;

describe('idle partition (real broker)', () => {
  it('a partition whose input stopped still emits its last window after the idle timeout', async ({
    onTestFinished,
  }) => {
    const env = stackEnv();
    const client = createKafkaClient(kafkaConfigFromEnv(env, { clientId: uniqueName('idle-test') }));
    const app = uniqueName('idle');
    const input = `${app}.in`;
    const output = `${app}.out`;
    const admin = client.admin();
    await admin.connect();
    onTestFinished(async () => {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(app));
      await admin.deleteTopics(mine).catch(() => undefined);
      await admin.disconnect();
    });
    await admin.createTopics([
      { topic: input, partitions: PARTITIONS },
      { topic: output, partitions: PARTITIONS },
    ]);
    const readings = makeReadings({
      count: 400,
      devices: 10,
      partitions: PARTITIONS,
      startMs: recentStart(),
      stepMs: 10,
    });
    // Without the idle rule only windows closed by later records are emitted...
    const closedByData = statsReference(readings, WINDOW, GRACE).results;
    // ...with it, every window closes: the reference with a sentinel far ahead on each partition.
    const sentinels = Array.from({ length: PARTITIONS }, (_, p) => ({
      partition: p,
      key: '~',
      value: 0,
      timestamp: 1_800_000_000_000,
    }));
    const all = statsReference([...readings, ...sentinels], WINDOW, GRACE).results;
    for (const [k, v] of all) if (v.deviceId === '~') all.delete(k);
    expect(all.size).toBeGreaterThan(closedByData.size);

    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const streams = new KafkaStreams(statsTopology({ input, output, windowMs: WINDOW, graceMs: GRACE }), {
      applicationId: app,
      client,
      idleTimeoutMs: 2_000,
      dlqTopic: `${app}-dlq`,
    });
    onTestFinished(() => streams.close());
    await streams.start();
    await produceReadings(producer, input, readings);

    let results: StatsResult[] = [];
    const done = await waitUntil(async () => {
      results = (await readCommitted(client, output, PARTITIONS)).map(
        (r) => JSON.parse(r.value?.toString() ?? 'null') as StatsResult,
      );
      return results.length >= all.size;
    }, 60_000);
    expect(done, `${results.length} of ${all.size} results`).toBe(true);
    const got = new Map(results.map((r) => [`${r.deviceId}@${r.windowStart}`, r]));
    expect(results.length).toBe(got.size);
    expect(got).toEqual(all);
  });
});
