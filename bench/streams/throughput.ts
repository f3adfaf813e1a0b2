/**
 * Records/s of one stream worker: 1-minute tumbling count/min/max/mean of `temperature` per device
 * over Avro input (schemas/environment.avsc) with many device keys, final results only.
 *
 *   node --import ./node_modules/tsx/dist/loader.mjs bench/streams/throughput.ts \
 *     --records 300000 --keys 100000 --guarantee exactly_once --backend kafkajs --partitions 3
 *
 * The input is produced first; the clock starts when the worker reads its first record and stops
 * when the group's committed offsets reach the end of every input partition.
 */
import { Registry } from 'prom-client';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { statsTopology } from '../../streams/test-utils/stats-topology.js';
import { kafkaClientFromEnv } from '../../test/helpers/kafka.js';
import { arg, deleteTopicsWithPrefix, type EnvReading, environmentSerde } from './avro-stats.js';

const records = Number(arg('records', '300000'));
const keys = Number(arg('keys', '100000'));
const guarantee = arg('guarantee', 'exactly_once') as 'exactly_once' | 'at_least_once';
const backend = arg('backend', 'kafkajs');
const partitions = Number(arg('partitions', '3'));
const spanMs = Number(arg('span-ms', String(5 * 60_000)));

async function main(): Promise<void> {
  const env: Record<string, string> = { ...loadStackEnv(), KAFKA_BACKEND: backend };
  const prefix = `bench-streams-${Date.now().toString(36)}`;
  const input = `${prefix}.in`;
  const output = `${prefix}.out`;
  const client = await kafkaClientFromEnv(env, prefix);
  const admin = client.admin();
  await admin.connect();
  try {
    await admin.createTopics([
      { topic: input, partitions },
      { topic: output, partitions },
    ]);
    const { serde, encode } = await environmentSerde(env.SCHEMA_REGISTRY_URL ?? '', input);
    const producer = client.producer({ lingerMs: 20 });
    await producer.connect();
    const base = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000; // recent: old event times are deleted by retention
    const t0 = performance.now();
    const chunk = 2_000;
    for (let i = 0; i < records; i += chunk) {
      const batch = [];
      for (let j = i; j < Math.min(records, i + chunk); j++) {
        const v: EnvReading = {
          deviceId: `dev-${String(j % keys).padStart(6, '0')}`,
          ts: base + Math.floor((j * spanMs) / records),
          site: 's1',
          temperature: (j % 400) / 10,
          humidity: null,
          pressure: null,
        };
        batch.push({ topic: input, key: v.deviceId, value: encode(v), timestamp: v.ts });
      }
      await producer.send(batch);
    }
    await producer.disconnect();
    const produceS = (performance.now() - t0) / 1000;

    const registry = new Registry();
    const topology = statsTopology<EnvReading>({
      input,
      output,
      windowMs: 60_000,
      graceMs: 5_000,
      valueSerde: serde,
      pick: (v) => v.temperature ?? 0,
    });
    const streams = new KafkaStreams(topology, {
      applicationId: prefix,
      client,
      guarantee,
      registry,
      dlqTopic: `${prefix}-dlq`,
      maxBatchSize: 5_000,
    });
    await streams.start();
    const ends = new Map((await admin.topicOffsets(input)).map((o) => [o.partition, BigInt(o.high)]));
    let first: number | undefined;
    const read = async () =>
      ((await registry.getSingleMetric('iotp_streams_records_in_total')?.get())?.values ?? []).reduce(
        (a, v) => a + v.value,
        0,
      );
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      if (first === undefined && (await read()) > 0) first = performance.now();
      const committed = await admin.committedOffsets(prefix, [input]);
      if (committed.length === partitions && committed.every((c) => BigInt(c.offset) >= (ends.get(c.partition) ?? 0n)))
        break;
    }
    const end = performance.now();
    const processedS = (end - (first ?? end)) / 1000;
    const count = async (t: string) =>
      (await admin.topicOffsets(t)).reduce((a, o) => a + Number(BigInt(o.high) - BigInt(o.low)), 0);
    const metric = async (name: string) =>
      ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce((a, v) => a + v.value, 0);
    const outCount = await count(output);
    const emitted = await metric('iotp_streams_records_out_total');
    const late = await metric('iotp_streams_late_records_total');
    const dlq = await metric('iotp_streams_dlq_records_total');
    await streams.close();
    const rss = process.memoryUsage().rss / 2 ** 20;
    console.log(
      JSON.stringify({
        backend,
        guarantee,
        records,
        keys,
        partitions,
        produceRecordsPerS: Math.round(records / produceS),
        processSeconds: Number(processedS.toFixed(2)),
        recordsPerS: Math.round(records / processedS),
        outputOffsets: outCount,
        resultsEmitted: emitted,
        late,
        dlq,
        rssMiB: Math.round(rss),
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
