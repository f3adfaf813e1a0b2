/**
 * `iotp lag` against the real broker: a lag created on purpose (N records produced, M consumed and
 * committed by a group) is reported exactly, as JSON and as a table, and the shared lag reporter
 * exports the same figure as a Prometheus gauge.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { LagRow } from '../../lib/kafka/group-lag-snapshot.js';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import { startLagReporter } from '../../lib/runtime/lag-reporter.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const run = promisify(execFile);
const env = stackEnv();
const client = createKafkaClient(kafkaConfigFromEnv(env, { clientId: 'lag-test' }));
const admin = client.admin();
const topic = uniqueName('lag');
const group = uniqueName('lag-group');

afterAll(async () => {
  await admin.deleteTopics([topic]).catch(() => {});
  await admin.disconnect();
});

describe('consumer lag', () => {
  it('reports a lag created on purpose, exactly', async () => {
    await admin.connect();
    await admin.createTopics([{ topic, partitions: 2 }]);
    const producer = client.producer();
    await producer.connect();
    // 30 records on partition 0, 20 on partition 1
    await producer.send([
      ...Array.from({ length: 30 }, (_, i) => ({ topic, partition: 0, key: `k${i}`, value: Buffer.from('x') })),
      ...Array.from({ length: 20 }, (_, i) => ({ topic, partition: 1, key: `k${i}`, value: Buffer.from('y') })),
    ]);
    await producer.disconnect();
    // the group commits offset 12 on partition 0 and 20 (everything) on partition 1
    const consumer = client.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe([topic]);
    const target: Record<number, string> = { 0: '12', 1: '20' };
    const done = new Set<number>();
    const committedAll = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async (batch) => {
          if (done.has(batch.partition)) return;
          const last = batch.records[batch.records.length - 1];
          if (last && BigInt(last.offset) + 1n >= BigInt(target[batch.partition]!)) {
            await consumer.commit([{ topic, partition: batch.partition, offset: target[batch.partition]! }]);
            done.add(batch.partition);
            if (done.size === 2) resolve();
          }
        },
      });
    });
    await committedAll;
    await consumer.disconnect();

    const { stdout } = await run(`${repoRoot}/bin/iotp`, ['lag', '--group', group, '--json'], { cwd: repoRoot });
    const rows = JSON.parse(stdout) as LagRow[];
    expect(rows.map((r) => [r.topic, r.partition, r.committed, r.high, r.lag])).toEqual([
      [topic, 0, '12', '30', 18],
      [topic, 1, '20', '20', 0],
    ]);
    expect(rows[1]!.lagSeconds).toBe(0);

    const table = (await run(`${repoRoot}/bin/iotp`, ['lag', '--group', group], { cwd: repoRoot })).stdout;
    expect(table).toMatch(new RegExp(`${group}\\s+${topic}\\s+0\\s+12\\s+30\\s+18`));
    expect(table).toMatch(new RegExp(`${group}\\s+\\(total\\)\\s+18`));

    const registry = new Registry();
    const reporter = startLagReporter({ admin, groupId: group, topics: [topic], registry, intervalMs: 60_000 });
    await reporter.refresh();
    reporter.stop();
    const gauge = await registry.getSingleMetricAsString('iotp_consumer_lag');
    expect(gauge).toContain(`iotp_consumer_lag{group="${group}",topic="${topic}",partition="0"} 18`);
    expect(gauge).toContain(`iotp_consumer_lag{group="${group}",topic="${topic}",partition="1"} 0`);
  });
});
