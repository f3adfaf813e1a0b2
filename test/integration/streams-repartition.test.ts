import { describe, expect, it } from 'vitest';
import { Repartitioned } from '../../streams/runtime/dsl/repartitioned.js';
import { StreamsBuilder } from '../../streams/runtime/dsl/streams-builder.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { Materialized } from '../../streams/runtime/materialized.js';
import { Serdes } from '../../streams/runtime/serde.js';
import { statsTopics } from '../../streams/test-utils/stats-fixture.js';
import { readTopic } from '../helpers/kafka.js';
import { waitUntil } from '../helpers/wait.js';

describe('repartition with its own partition count (real broker)', () => {
  it('Repartitioned.withNumberOfPartitions(4) over a 2-partition source: the topic has 4 partitions, tasks 2 and 3 run only the downstream part, totals are exact', async ({
    onTestFinished,
  }) => {
    const running: KafkaStreams[] = [];
    const { client, admin, app, input, output } = await statsTopics('repart4', 2, onTestFinished, async () => {
      for (const s of running) await s.close();
    });
    const b = new StreamsBuilder();
    b.stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.json<{ value: number }>() }, 'readings')
      .selectKey((device) => `site-${Number(device.slice(4)) % 5}`, 'site', Serdes.string())
      .repartition(Repartitioned.as<string, { value: number }>('by-site').withNumberOfPartitions(4))
      .groupByKey({ keySerde: Serdes.string() })
      .count(Materialized.as<string, number>('per-site').withRetention(86_400_000))
      .toStream()
      .to(output, { keySerde: Serdes.string(), valueSerde: Serdes.float64() });
    const streams = new KafkaStreams(b.build(), {
      applicationId: app,
      client,
      commitIntervalMs: 100,
      dlqTopic: `${app}-dlq`,
    });
    running.push(streams);
    await streams.start();
    await waitUntil('the instance is ready', () => streams.isReady(), 60_000);
    expect(await admin.partitionCount(`${app}-by-site-repartition`)).toBe(4);
    expect(await admin.partitionCount(`${app}-per-site-changelog`)).toBe(4);

    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const N = 500;
    const t0 = Date.now() - 60_000;
    await producer.send(
      Array.from({ length: N }, (_, i) => ({
        topic: input,
        key: `dev-${i % 37}`,
        value: Buffer.from(JSON.stringify({ value: i })),
        timestamp: t0 + i,
      })),
    );
    const want = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const site = `site-${(i % 37) % 5}`;
      want.set(site, (want.get(site) ?? 0) + 1);
    }
    let last = new Map<string, number>();
    let count = 0;
    await waitUntil(
      () => `${N} counts, got ${count}`,
      async () => {
        const records = await readTopic(client, output, 'read_committed');
        count = records.length;
        last = new Map(records.map((r) => [r.key?.toString() ?? '', r.value?.readDoubleBE(0) ?? 0]));
        return count >= N;
      },
      60_000,
    );
    expect(count).toBe(N);
    expect(Object.fromEntries(last)).toEqual(Object.fromEntries(want));
    const partitionsUsed = new Set(
      (await readTopic(client, `${app}-by-site-repartition`, 'read_committed')).map((r) => r.partition),
    );
    expect(partitionsUsed.size).toBeGreaterThan(2); // the new key spreads over more than the source's 2
  }, 120_000);
});
