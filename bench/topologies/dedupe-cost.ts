/**
 * What the aggregate's dedupe step (streams.dedupe, issue 15) costs, in memory: the aggregate
 * topology of the environment route (3 fields, the default windows 1m/10s and 1h/2m, sketches on)
 * in the topology test driver, with the dedupe step on and off alternately, `--rounds` times each.
 * `--devices` devices report every 10 s of event time, `--per-device` readings each, no copies
 * (the cost of the check, not of copies). The driver commits after every reading, which is what a
 * worker's 1 s commit does when each device reports less often than once a second: each reading
 * makes one changelog record per store it touched. Reports readings/s per round and the changelog
 * bytes (keys and values) per reading by store, over the whole run and the last half (steady
 * state: the seen set of a device is then full, horizon / interval = 372 times).
 *
 *   node_modules/.bin/tsx bench/topologies/dedupe-cost.ts --devices 100 --per-device 800 --rounds 3
 */
import { performance } from 'node:perf_hooks';
import { changelogTopic } from '../../streams/runtime/names.js';
import { type Serde, Serdes } from '../../streams/runtime/serde.js';
import { TopologyTestDriver } from '../../streams/test-utils/topology-test-driver.js';
import { aggregateTopology } from '../../streams/topologies/aggregate/aggregate-topology.js';
import type { WindowResult } from '../../streams/topologies/aggregate/window-accumulator.js';
import type { TopologyRoute } from '../../streams/topologies/shared/topology-route.js';
import { arg } from '../streams/avro-stats.js';

const devices = Number(arg('devices', '100'));
const perDevice = Number(arg('per-device', '800'));
const rounds = Number(arg('rounds', '3'));
const T0 = 1_767_225_600_000;
const route: TopologyRoute = {
  type: 'environment',
  topic: 'readings',
  fields: ['temperature', 'humidity', 'pressure'],
  ranges: {},
  timeField: 'ts',
  tags: {},
};
const windows = [
  { name: '1m', sizeMs: 60_000, graceMs: 10_000, topic: 'agg.1m' },
  { name: '1h', sizeMs: 3_600_000, graceMs: 120_000, topic: 'agg.1h' },
];
const APP = 'dedupe-bench';

// Pre-encoded once: the rounds time the topology, not the encoding.
const input: { key: Buffer; value: Buffer; ts: number }[] = [];
for (let i = 0; i < perDevice; i++)
  for (let d = 0; d < devices; d++) {
    const ts = T0 + i * 10_000 + d;
    const reading = {
      deviceId: `dev-${d}`,
      ts,
      site: `site-${d % 7}`,
      temperature: Math.round((21 + Math.sin(i / 30 + d)) * 10) / 10,
      humidity: 45 + ((i * 7 + d) % 20) / 10,
      pressure: 1013 + ((i + d) % 9) / 10,
    };
    input.push({ key: Buffer.from(reading.deviceId), value: Buffer.from(JSON.stringify(reading)), ts });
  }

function bytesOf(d: TopologyTestDriver, store: string, from: number): number {
  let n = 0;
  const log = d.producedTo(changelogTopic(APP, store));
  for (let i = from; i < log.length; i++) n += (log[i]?.key?.length ?? 0) + (log[i]?.value?.length ?? 0);
  return n;
}

async function run(dedupe: boolean) {
  const topology = aggregateTopology({
    routes: [{ route, windows }],
    readingSerde: () => Serdes.json<unknown>() as Serde<unknown>,
    resultSerde: () => Serdes.json<WindowResult>(),
    dedupe,
  });
  const d = new TopologyTestDriver(topology, { applicationId: APP, lateTopic: 'late' });
  const stores = ['environment-seen', 'environment-1m', 'environment-1h'];
  const half = Math.floor(input.length / 2);
  let marks: Map<string, number> = new Map();
  const started = performance.now();
  for (let i = 0; i < input.length; i++) {
    if (i === half) marks = new Map(stores.map((s) => [s, d.producedTo(changelogTopic(APP, s)).length]));
    const r = input[i] as (typeof input)[number];
    await d.pipeRaw('readings', r.key, r.value, r.ts);
  }
  const seconds = (performance.now() - started) / 1000;
  const perReading = (from: (s: string) => number, n: number) =>
    Object.fromEntries(stores.map((s) => [s, Number((bytesOf(d, s, from(s)) / n).toFixed(1))]));
  const out = {
    dedupe,
    readings: input.length,
    readingsPerSecond: Math.round(input.length / seconds),
    changelogBytesPerReading: perReading(() => 0, input.length),
    steadyChangelogBytesPerReading: perReading((s) => marks.get(s) ?? 0, input.length - half),
  };
  d.close();
  return out;
}

for (let i = 0; i < rounds; i++)
  for (const dedupe of i % 2 === 0 ? [true, false] : [false, true]) console.log(JSON.stringify(await run(dedupe)));
