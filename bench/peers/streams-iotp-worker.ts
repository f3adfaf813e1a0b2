/**
 * The iotp side of bench/peers/streams-vs-kafka-streams.ts, as a child process: the stats topology of
 * streams/test-utils/stats-topology.ts (what bench/streams/throughput.ts runs) over Avro input, one
 * pass per --pass APP_ID:OUTPUT, one after the other in this process (the second pass runs JIT-warm).
 * The same stdin/stdout protocol as the Kafka Streams app (bench/peers/kafka-streams):
 * `RUNNING <appId>`, `FIRST <appId> <epochMs>` when the first input value is decoded; a line on stdin
 * = the pass is done (the harness saw its committed offsets at the end of the input), then
 * `CLOSED <appId>`.
 *
 *   node --import ./node_modules/tsx/dist/loader.mjs bench/peers/streams-iotp-worker.ts \
 *     --input TOPIC --pass APP_ID:OUTPUT [--pass ...] [--backend kafkajs] [--guarantee exactly_once]
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { KafkaStreams } from '../../streams/runtime/kafka/kafka-streams.js';
import type { Serde } from '../../streams/runtime/serde.js';
import { statsTopology } from '../../streams/test-utils/stats-topology.js';
import { kafkaClientFromEnv } from '../../test/helpers/kafka.js';
import { type EnvReading, environmentSerde } from '../streams/avro-stats.js';

const { values } = parseArgs({
  options: {
    input: { type: 'string' },
    pass: { type: 'string', multiple: true },
    backend: { type: 'string', default: 'kafkajs' },
    guarantee: { type: 'string', default: 'exactly_once' },
    prefix: { type: 'string' },
  },
});
const input = values.input;
const passes = values.pass ?? [];
if (!input || passes.length === 0 || !values.prefix) throw new Error('usage: --input TOPIC --prefix P --pass APP:OUT');
const guarantee = values.guarantee as 'exactly_once' | 'at_least_once';

const say = (line: string) => process.stdout.write(`${line}\n`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function main(): Promise<void> {
  const env: Record<string, string> = { ...loadStackEnv(), KAFKA_BACKEND: values.backend as string };
  const { serde } = await environmentSerde(env.SCHEMA_REGISTRY_URL ?? '', input as string);
  for (const pass of passes) {
    const [appId, output] = pass.split(':') as [string, string];
    const client = await kafkaClientFromEnv(env, appId);
    let first = true;
    const timed: Serde<EnvReading> = {
      serialize: (v, topic) => serde.serialize(v, topic),
      deserialize: (b, topic) => {
        if (first) {
          first = false;
          say(`FIRST ${appId} ${Date.now()}`);
        }
        return serde.deserialize(b, topic);
      },
    };
    const topology = statsTopology<EnvReading>({
      input: input as string,
      output,
      windowMs: 60_000,
      graceMs: 5_000,
      valueSerde: timed,
      pick: (v) => v.temperature ?? 0,
    });
    const streams = new KafkaStreams(topology, {
      applicationId: appId,
      client,
      guarantee,
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
