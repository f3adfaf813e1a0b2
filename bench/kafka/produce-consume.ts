/**
 * Produce and consume throughput of each Kafka backend against the local broker.
 *
 *   node_modules/.bin/tsx bench/kafka/produce-consume.ts [--records 100000] [--size 100] [--partitions 3]
 *     [--batch 500] [--in-flight 8] [--backend kafkajs|rdkafka]
 *
 * Produce: the idempotent producer (acks=all), records sent in calls of --batch with up to --in-flight
 * calls pending (as the MQTT source does). Consume: a new group reading the same topic from the
 * start; the rate is taken from the first record to the last. Topics are random and deleted after.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import type { KafkaBackend, ProducerRecord } from '../../lib/kafka/types.js';
import { createLogger } from '../../lib/runtime/log.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';

interface Result {
  backend: KafkaBackend;
  produceRate: number;
  consumeRate: number;
  produceMs: number;
  consumeMs: number;
}

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    size: { type: 'string', default: '100' },
    partitions: { type: 'string', default: '3' },
    batch: { type: 'string', default: '500' },
    'in-flight': { type: 'string', default: '8' },
    backend: { type: 'string' },
  },
});
const total = Number(values.records);
const size = Number(values.size);
const partitions = Number(values.partitions);
const batch = Number(values.batch);
const inFlight = Number(values['in-flight']);
const backends: KafkaBackend[] = values.backend ? [values.backend as KafkaBackend] : ['kafkajs', 'rdkafka'];
const logger = createLogger('bench-kafka', { level: 'error' });
const env = loadStackEnv();

async function bench(backend: KafkaBackend): Promise<Result> {
  const client = createKafkaClient({ ...kafkaConfigFromEnv(env, { clientId: `bench-${backend}`, backend }), logger });
  const admin = client.admin();
  await admin.connect();
  const topic = `bench-kafka-${backend}-${randomBytes(4).toString('hex')}`;
  await admin.createTopics([{ topic, partitions }]);
  try {
    const producer = client.producer({ idempotent: true });
    await producer.connect();
    const value = randomBytes(size);
    const records: ProducerRecord[] = Array.from({ length: total }, (_, i) => ({
      topic,
      key: `device-${i % 1000}`,
      value,
      timestamp: 1_700_000_000_000 + i,
    }));
    const t0 = performance.now();
    const pending = new Set<Promise<unknown>>();
    for (let i = 0; i < total; i += batch) {
      const p = producer.send(records.slice(i, i + batch)).finally(() => pending.delete(p));
      pending.add(p);
      if (pending.size >= inFlight) await Promise.race(pending);
    }
    await Promise.all(pending);
    const produceMs = performance.now() - t0;
    await producer.disconnect();

    let seen = 0;
    let first = 0;
    let last = 0;
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    const consumer = client.consumer({ groupId: `bench-${topic}`, maxBatchSize: 1000 });
    await consumer.connect();
    await consumer.subscribe([topic]);
    await consumer.run({
      eachBatch: async (b) => {
        if (seen === 0) first = performance.now();
        seen += b.records.length;
        if (seen >= total) {
          last = performance.now();
          resolveDone();
        }
      },
      onError: (e) => {
        throw e;
      },
    });
    await done;
    await consumer.disconnect();
    const consumeMs = last - first;
    return {
      backend,
      produceMs,
      consumeMs,
      produceRate: total / (produceMs / 1000),
      consumeRate: total / (consumeMs / 1000),
    };
  } finally {
    await admin.deleteTopics([topic]);
    await admin.disconnect();
  }
}

const results: Result[] = [];
for (const backend of backends) results.push(await bench(backend));
console.log(`records=${total} size=${size}B partitions=${partitions} batch=${batch} in-flight=${inFlight}`);
for (const r of results)
  console.log(
    `${r.backend.padEnd(8)} produce ${Math.round(r.produceRate).toString().padStart(8)} rec/s (${(r.produceMs / 1000).toFixed(2)} s)` +
      `  consume ${Math.round(r.consumeRate).toString().padStart(8)} rec/s (${(r.consumeMs / 1000).toFixed(2)} s)`,
  );
