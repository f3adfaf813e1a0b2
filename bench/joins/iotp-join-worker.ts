/**
 * The iotp side of bench/joins/join-vs-kafka-streams.ts, as a child process: the stream-table left
 * join of streams/runtime/joins/test-support/enrich-topology.ts, one pass per --pass APP_ID:OUTPUT,
 * one after the other in this process (the second runs JIT-warm). The protocol of the Kafka Streams
 * app (bench/peers/kafka-streams JoinApp): `RUNNING <appId>`, `FIRST <appId> <epochMs>` when the
 * first input value (either topic) is decoded; a line on stdin ends the pass, then `CLOSED <appId>`.
 *
 *   node --import ./node_modules/tsx/dist/loader.mjs bench/joins/iotp-join-worker.ts \
 *     --readings TOPIC --devices TOPIC --prefix P --pass APP_ID:OUTPUT [--pass ...] [--backend kafkajs]
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { type DeviceRow, enrichTopology } from '../../streams/runtime/joins/test-support/enrich-topology.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import { type Serde, Serdes } from '../../streams/runtime/serde.js';
import { kafkaClientFromEnv } from '../../test/helpers/kafka.js';

const { values } = parseArgs({
  options: {
    readings: { type: 'string' },
    devices: { type: 'string' },
    pass: { type: 'string', multiple: true },
    backend: { type: 'string', default: 'kafkajs' },
    prefix: { type: 'string' },
  },
});
const passes = values.pass ?? [];
if (!values.readings || !values.devices || passes.length === 0 || !values.prefix)
  throw new Error('usage: --readings TOPIC --devices TOPIC --prefix P --pass APP:OUT');

const say = (line: string) => process.stdout.write(`${line}\n`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** JSON that says FIRST on the first value decoded (shared by both inputs of a pass). */
function noting<T>(first: { pending: boolean }, appId: string): Serde<T> {
  const json = Serdes.json<T>();
  return {
    serialize: (v, topic) => json.serialize(v, topic),
    deserialize: (b, topic) => {
      if (first.pending) {
        first.pending = false;
        say(`FIRST ${appId} ${Date.now()}`);
      }
      return json.deserialize(b, topic);
    },
  };
}

async function main(): Promise<void> {
  const env: Record<string, string> = { ...loadStackEnv(), KAFKA_BACKEND: values.backend as string };
  for (const pass of passes) {
    const [appId, output] = pass.split(':') as [string, string];
    const client = kafkaClientFromEnv(env, appId);
    const first = { pending: true };
    const topology = enrichTopology({
      readings: values.readings as string,
      devices: values.devices as string,
      output,
      readingSerde: noting<{ value: number }>(first, appId),
      deviceSerde: noting<DeviceRow>(first, appId),
    });
    const streams = new KafkaStreams(topology, {
      applicationId: appId,
      client,
      guarantee: 'exactly_once',
      dlqTopic: `${values.prefix}-dlq`,
      maxBatchSize: 5_000,
      onError: (e) => say(`ERROR ${appId} ${e.code}: ${e.message}`),
    });
    await streams.start();
    say(`RUNNING ${appId}`);
    const line = await lines.next();
    await streams.close();
    say(`CLOSED ${appId}${line.done ? ' stdin-closed' : ''}`);
    if (line.done) break;
  }
}

main()
  .then(() => process.exit(0))
  .catch((e: unknown) => {
    say(`ERROR ${String(e)}`);
    process.exit(1);
  });
