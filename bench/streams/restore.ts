/**
 * Time to restore a store of N keys (default 1M) from its changelog: the changelog of the stats
 * window store is filled directly (N window entries on one partition), then a worker starts and the
 * clock runs from `start()` until readiness (every store restored).
 *
 *   node --import ./node_modules/tsx/dist/loader.mjs bench/streams/restore.ts --keys 1000000 --backend kafkajs
 */

import { Registry } from 'prom-client';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { changelogTopic } from '../../streams/runtime/names.js';
import { statsSerde, statsTopology } from '../../streams/test-utils/stats-topology.js';
import { kafkaClientFromEnv } from '../../test/helpers/kafka.js';
import { arg, deleteTopicsWithPrefix } from './avro-stats.js';

const keys = Number(arg('keys', '1000000'));
const backend = arg('backend', 'kafkajs');

async function main(): Promise<void> {
  const env: Record<string, string> = { ...loadStackEnv(), KAFKA_BACKEND: backend };
  const prefix = `bench-restore-${Date.now().toString(36)}`;
  const input = `${prefix}.in`;
  const output = `${prefix}.out`;
  const client = await kafkaClientFromEnv(env, prefix);
  const admin = client.admin();
  await admin.connect();
  try {
    const changelog = changelogTopic(prefix, 'stats');
    await admin.createTopics([
      { topic: input, partitions: 1 },
      { topic: output, partitions: 1 },
      {
        topic: changelog,
        partitions: 1,
        config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(7 * 86_400_000) },
      },
    ]);
    const producer = client.producer({ lingerMs: 20 });
    await producer.connect();
    const start = Math.floor(Date.now() / 60_000) * 60_000; // recent: old timestamps are deleted by retention
    const value = statsSerde.serialize({ count: 10, min: 1.5, max: 30.25, sum: 150.5 }, changelog) as Buffer;
    const t0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < keys; i += 5_000) {
      const batch = [];
      for (let j = i; j < Math.min(keys, i + 5_000); j++) {
        const key = Buffer.alloc(8 + 11);
        key.writeBigInt64BE(BigInt(start), 0);
        key.write(`dev-${String(j).padStart(7, '0')}`, 8);
        bytes += key.length + value.length;
        batch.push({ topic: changelog, partition: 0, key, value, timestamp: start });
      }
      await producer.send(batch);
    }
    await producer.disconnect();
    const fillS = (performance.now() - t0) / 1000;

    const topology = statsTopology({ input, output, windowMs: 60_000, graceMs: 5_000 });
    let readyAt = 0;
    const registry = new Registry();
    const streams = new KafkaStreams(topology, {
      registry,
      applicationId: prefix,
      client,
      dlqTopic: `${prefix}-dlq`,
      onReadyChange: (ready) => {
        if (ready) readyAt = performance.now();
      },
    });
    const t1 = performance.now();
    await streams.start();
    while (readyAt === 0 || !streams.isReady()) await new Promise((r) => setTimeout(r, 50));
    const restoreS = (readyAt - t1) / 1000;
    const restored = (
      (await registry.getSingleMetric('iotp_streams_restored_records_total')?.get())?.values ?? []
    ).reduce((a, v) => a + v.value, 0);
    await streams.close();
    console.log(
      JSON.stringify({
        backend,
        keys,
        changelogMiB: Number((bytes / 2 ** 20).toFixed(1)),
        fillSeconds: Number(fillS.toFixed(1)),
        restoredRecords: restored,
        startToReadySeconds: Number(restoreS.toFixed(2)),
        keysPerS: Math.round(keys / restoreS),
        rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      }),
    );
  } finally {
    await admin.disconnect();
    await deleteTopicsWithPrefix(client, prefix);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
