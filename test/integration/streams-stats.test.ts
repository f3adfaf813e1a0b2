import { describe, expect, it } from 'vitest';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { changelogTopic } from '../../streams/runtime/names.js';
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
const PARTITIONS = 3;

describe.each(['exactly_once', 'at_least_once'] as const)('stream runtime on the real broker (%s)', (guarantee) => {
  it('windowed count/min/max/mean: read_committed output equals the offline reference', async ({ onTestFinished }) => {
    const env = stackEnv();
    const client = createKafkaClient(kafkaConfigFromEnv(env, { clientId: uniqueName('streams-test') }));
    const app = uniqueName('stats');
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
      count: 3_000,
      devices: 30,
      partitions: PARTITIONS,
      startMs: recentStart(),
      stepMs: 10,
      jitterMs: 150,
    });
    const ref = statsReference(readings, WINDOW, GRACE);
    expect(ref.late).toEqual([]);
    expect(ref.results.size).toBeGreaterThan(500);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    const streams = new KafkaStreams(statsTopology({ input, output, windowMs: WINDOW, graceMs: GRACE }), {
      applicationId: app,
      client,
      guarantee,
      dlqTopic: `${app}-dlq`,
    });
    onTestFinished(() => streams.close());
    expect(streams.isReady()).toBe(false);
    await streams.start();
    await produceReadings(producer, input, readings);

    let results: StatsResult[] = [];
    const done = await waitUntil(async () => {
      results = (await readCommitted(client, output, PARTITIONS)).map(
        (r) => JSON.parse(r.value?.toString() ?? 'null') as StatsResult,
      );
      return results.length >= ref.results.size;
    }, 60_000);
    expect(done).toBe(true);
    expect(streams.isReady()).toBe(true); // joined and restored
    await streams.close();
    const got = new Map(results.map((r) => [`${r.deviceId}@${r.windowStart}`, r]));
    expect(results.length).toBe(got.size);
    expect(got).toEqual(ref.results);
    expect(streams.state).toBe('CLOSED');
    const changelog = await admin.topicOffsets(changelogTopic(app, 'stats'));
    expect(changelog).toHaveLength(PARTITIONS);
  });
});
