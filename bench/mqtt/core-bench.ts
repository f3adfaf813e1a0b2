/**
 * The MQTT source's per-message CPU without MQTT or Kafka: processMessage (route, JSON parse,
 * validation, headers) and the Avro encoding of its records, over the peers harness' readings
 * (JSON {ts, temperature, humidity, pressure}, 100 devices), in this process. Prints ns per message
 * (CPU time) for each stage, best of --rounds.
 *
 *   node_modules/.bin/tsx bench/mqtt/core-bench.ts [--messages 100000] [--rounds 5]
 */
import { parseArgs } from 'node:util';
import { processMessage } from '../../connectors/mqtt-source/process-message.js';
import { createRecordEncoder } from '../../connectors/mqtt-source/record-encoder.js';
import { message, processOptions, projectSchema } from '../../connectors/mqtt-source/test-support/fixtures.js';
import { parseAvroSchema } from '../../lib/serde/index.js';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '5' } },
});
const total = Number(values.messages);
const rounds = Number(values.rounds);
const options = processOptions({ maxPayloadBytes: 65_536 });
const base = Date.parse('2025-03-01T12:00:00Z') - 60_000;
const messages = Array.from({ length: total }, (_, i) =>
  message(
    `sensors/lab/b-${i % 100}/environment`,
    JSON.stringify({ ts: base + (i % 50_000), temperature: 20 + (i % 10), humidity: 50, pressure: 1013 }),
  ),
);
const schemas = new Map([
  ['environment', parseAvroSchema(projectSchema('environment') as Parameters<typeof parseAvroSchema>[0])],
]);
const encoder = createRecordEncoder({
  registry: { lookupId: async () => 7, register: async () => 7 },
  schemas,
  autoRegister: false,
});

/** CPU µs of this process (all of it is this thread's work here). */
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function main(): Promise<void> {
  const best = { process: Number.POSITIVE_INFINITY, encode: Number.POSITIVE_INFINITY };
  // In chunks of 1,000 (the connector's Receive Maximum): what is in flight at once, then dropped.
  for (let r = 0; r < rounds; r++) {
    let processUs = 0;
    let encodeUs = 0;
    for (let at = 0; at < total; at += 1000) {
      const chunk = messages.slice(at, at + 1000);
      const t0 = cpuUs();
      const plans = chunk.map((m) => processMessage(m, options));
      const t1 = cpuUs();
      for (const plan of plans)
        for (const rec of plan.records)
          if (rec.kind === 'value') await encoder.encode(rec.subject, rec.schemaName, rec.value);
      encodeUs += cpuUs() - t1;
      processUs += t1 - t0;
    }
    best.process = Math.min(best.process, (processUs * 1000) / total);
    best.encode = Math.min(best.encode, (encodeUs * 1000) / total);
  }
  process.stdout.write(
    `processMessage ${best.process.toFixed(0)} ns/msg, encode ${best.encode.toFixed(0)} ns/msg (CPU time, best of ${rounds} rounds of ${total})\n`,
  );
}

await main();
