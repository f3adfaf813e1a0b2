import { describe, expect, it } from 'vitest';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { makeReadings, produceReadings, recentStart, statsTopics } from '../../streams/test-utils/stats-fixture.js';
import { statsReference } from '../../streams/test-utils/stats-reference.js';
import { type StatsResult, statsTopology } from '../../streams/test-utils/stats-topology.js';
import { readTopic } from '../helpers/kafka.js';
import { pollUntil } from '../helpers/wait.js';

const WINDOW = 1_000;
const GRACE = 200;
const PARTITIONS = 2;

describe('idle partition (real broker)', () => {
  it('a partition whose input stopped still emits its last window after the idle timeout', async ({
    onTestFinished,
  }) => {
    const { client, app, input, output } = await statsTopics('idle', PARTITIONS, onTestFinished);
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
    const done = await pollUntil(async () => {
      results = (await readTopic(client, output, 'read_committed')).map(
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
