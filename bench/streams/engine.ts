/**
 * The stream task alone (no Kafka): records/s of the stats topology (1-minute windows, 100k keys)
 * through StreamTask with a commit (collect: serialize outputs + changelog) every 5,000 records.
 * Separates the runtime's own cost from the Kafka client's.
 *
 *   node --import ./node_modules/tsx/dist/loader.mjs bench/streams/engine.ts --records 1000000 --keys 100000
 */
import { StreamTask } from '../../streams/runtime/task/stream-task.js';
import { statsTopology } from '../../streams/test-utils/stats-topology.js';
import { arg } from './avro-stats.js';

const records = Number(arg('records', '1000000'));
const keys = Number(arg('keys', '100000'));
const spanMs = 5 * 60_000;

const topology = statsTopology({ input: 'in', output: 'out', windowMs: 60_000, graceMs: 5_000 });
const task = new StreamTask({
  applicationId: 'bench',
  partition: 0,
  topology,
  clock: () => 0,
  lateTopic: 'late',
  dlqTopic: 'dlq',
});
task.start();
const values = Array.from({ length: 400 }, (_, i) => Buffer.from(JSON.stringify({ value: i / 10 })));
const keyBufs = Array.from({ length: keys }, (_, i) => Buffer.from(`dev-${String(i).padStart(6, '0')}`));
let produced = 0;
const t0 = performance.now();
for (let i = 0; i < records; i++) {
  await task.process({
    topic: 'in',
    partition: 0,
    offset: String(i),
    key: keyBufs[i % keys] as Buffer,
    value: values[i % 400] as Buffer,
    timestamp: Math.floor((i * spanMs) / records),
    headers: {},
  });
  if (i % 5_000 === 4_999) produced += (await task.collect()).records.length;
}
produced += (await task.collect()).records.length;
const s = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    records,
    keys,
    seconds: Number(s.toFixed(2)),
    recordsPerS: Math.round(records / s),
    outputs: produced,
  }),
);
