/**
 * The stream-table join alone (no Kafka): records/s of the enrich topology's left join through a
 * StreamTask (JSON decode of the reading, table lookup, joiner, JSON encode of the result) with a
 * commit (collect: serialize outputs + changelog) every 5,000 records. Separates the runtime's own
 * cost from the Kafka client's (bench/joins/join-vs-kafka-streams.ts measures both on a broker).
 *
 *   node --import ./node_modules/tsx/dist/loader.mjs bench/joins/engine.ts --readings 1000000 --devices 100000
 */
import { parseArgs } from 'node:util';
import { enrichTopology } from '../../streams/runtime/joins/test-support/enrich-topology.js';
import { StreamTask } from '../../streams/runtime/task/stream-task.js';

const { values } = parseArgs({
  options: { readings: { type: 'string', default: '1000000' }, devices: { type: 'string', default: '100000' } },
});
const readings = Number(values.readings);
const devices = Number(values.devices);

const task = new StreamTask({
  applicationId: 'bench',
  partition: 0,
  topology: enrichTopology({ readings: 'readings', devices: 'devices', output: 'out' }),
  clock: () => 0,
  lateTopic: 'late',
  dlqTopic: 'dlq',
});
task.start();
const keys = Array.from({ length: devices }, (_, i) => Buffer.from(`dev-${String(i).padStart(6, '0')}`));
for (let i = 0; i < devices; i++)
  await task.process({
    topic: 'devices',
    partition: 0,
    offset: String(i),
    key: keys[i] as Buffer,
    value: Buffer.from(JSON.stringify({ site: `site-${i % 50}`, model: `m${i % 7}` })),
    timestamp: 0,
    headers: {},
  });
await task.collect();
const values400 = Array.from({ length: 400 }, (_, i) => Buffer.from(JSON.stringify({ value: i / 10 })));
let out = 0;
const t0 = performance.now();
for (let i = 0; i < readings; i++) {
  await task.process({
    topic: 'readings',
    partition: 0,
    offset: String(i),
    key: keys[i % devices] as Buffer,
    value: values400[i % 400] as Buffer,
    timestamp: 1 + Math.floor(i / 100),
    headers: {},
  });
  if (i % 5_000 === 4_999) out += (await task.collect()).records.length;
}
out += (await task.collect()).records.length;
const seconds = (performance.now() - t0) / 1000;
const rss = process.memoryUsage().rss / 2 ** 20;
console.log(
  `stream-table join engine: ${readings} readings over ${devices} rows in ${seconds.toFixed(2)} s = ${Math.round(readings / seconds).toLocaleString('en-US')} rec/s (${((seconds / readings) * 1e6).toFixed(2)} µs/reading), ${out} outputs, RSS ${Math.round(rss)} MiB`,
);
if (out !== readings) throw new Error(`expected ${readings} outputs, got ${out}`);
