import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { changelogTopic } from '../../streams/runtime/names.js';
import { makeReadings, produceReadings, recentStart, statsTopics } from '../../streams/test-utils/stats-fixture.js';
import { statsReference } from '../../streams/test-utils/stats-reference.js';
import { type StatsResult, statsTopology } from '../../streams/test-utils/stats-topology.js';
import { readTopic } from '../helpers/kafka.js';
import { pollUntil } from '../helpers/wait.js';

const WINDOW = 1_000;
const GRACE = 200;
const PARTITIONS = 3;

describe.each(['exactly_once', 'at_least_once'] as const)('stream runtime on the real broker (%s)', (guarantee) => {
  it('windowed count/min/max/mean: read_committed output equals the offline reference', async ({ onTestFinished }) => {
    const { client, admin, app, input, output } = await statsTopics('stats', PARTITIONS, onTestFinished);
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
    const done = await pollUntil(async () => {
      results = (await readTopic(client, output, 'read_committed')).map(
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

describe('stream runtime on the real broker: a dead letter near the size limit', () => {
  it('an undecodable record larger than the dead-letter topic takes is dead-lettered cut to fit; the commit goes through', async ({
    onTestFinished,
  }) => {
    const { client, admin, app, input, output } = await statsTopics('stats-big', 1, onTestFinished);
    const dlq = `${app}-dlq`;
    // The bound comes from the dead-letter topic's own max.message.bytes, read at start.
    await admin.createTopics([{ topic: dlq, partitions: 1, config: { 'max.message.bytes': '500000' } }]);
    const readings = makeReadings({ count: 50, devices: 5, partitions: 1, startMs: recentStart(), stepMs: 100 });
    const ref = statsReference(readings, WINDOW, GRACE);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const big = Buffer.alloc(600_000, 0x7b); // not JSON; fits the input topic, not the dead-letter topic
    await producer.send([{ topic: input, key: 'dev-big', value: big, headers: { origin: 'x'.repeat(900) } }]);
    const streams = new KafkaStreams(statsTopology({ input, output, windowMs: WINDOW, graceMs: GRACE }), {
      applicationId: app,
      client,
      dlqTopic: dlq,
    });
    onTestFinished(() => streams.close());
    await streams.start();
    await produceReadings(producer, input, readings);
    let dead: Awaited<ReturnType<typeof readTopic>> = [];
    let results = 0;
    const done = await pollUntil(async () => {
      dead = await readTopic(client, dlq, 'read_committed').catch(() => []);
      results = (await readTopic(client, output, 'read_committed')).length;
      return dead.length >= 1 && results >= ref.results.size;
    }, 60_000);
    expect(done).toBe(true);
    expect(dead).toHaveLength(1);
    const [d] = dead;
    expect(d?.key?.toString()).toBe('dev-big');
    expect(d?.headers).toMatchObject({
      'error.code': 'SERDE_INVALID_JSON',
      'payload.truncated': 'true',
      'payload.size': String(big.length),
      'payload.sha256': createHash('sha256').update(big).digest('hex'),
      'source.topic': input,
    });
    expect(d?.value?.length).toBeGreaterThan(490_000);
    expect(d?.value?.length).toBeLessThan(500_000);
    expect(Buffer.compare(d?.value as Buffer, big.subarray(0, d?.value?.length))).toBe(0);
    expect(results).toBe(ref.results.size);
  });
});
