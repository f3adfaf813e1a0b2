/**
 * What the enrich topology's join costs per reading, in memory: the topology test driver, one
 * reading route (3 fields), `--devices` devices all in the registry (their records piped first, not
 * timed), `--per-device` readings each 10 s apart, pre-encoded as JSON. Three variants, alternated
 * `--rounds` times (order rotated each round): `pass-through` (source -> sink with the same JSON
 * serdes: decode + encode, no join), `enrich` (the enrich topology without fleet views: the
 * left join against the registry table and the enriched record), `enrich+fleet` (plus the site and
 * model views, 1 min windows: dedupe, two repartitions, two windowed aggregations). The driver
 * commits after every record. Reports readings/s per variant and round.
 *
 *   node_modules/.bin/tsx bench/topologies/enrich-cost.ts --devices 200 --per-device 200 --rounds 3
 */
import { performance } from 'node:perf_hooks';
import type { DeviceRecord } from '../../lib/devices/registry/index.js';
import { emptyRecord } from '../../lib/devices/registry/index.js';
import { StreamsBuilder } from '../../streams/runtime/dsl/streams-builder.js';
import { type Serde, Serdes } from '../../streams/runtime/serde.js';
import type { Topology } from '../../streams/runtime/topology/topology.js';
import { TopologyTestDriver } from '../../streams/test-utils/topology-test-driver.js';
import type { WindowResult } from '../../streams/topologies/aggregate/window-accumulator.js';
import { deviceProfileSourceSerde } from '../../streams/topologies/enrich/device-profile.js';
import { enrichTopology } from '../../streams/topologies/enrich/enrich-topology.js';
import type { FleetView } from '../../streams/topologies/enrich/fleet-views.js';
import type { TopologyRoute } from '../../streams/topologies/shared/topology-route.js';
import { arg } from '../streams/avro-stats.js';

const devices = Number(arg('devices', '200'));
const perDevice = Number(arg('per-device', '200'));
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
const json = Serdes.json<unknown>() as Serde<unknown>;
type Variant = 'pass-through' | 'enrich' | 'enrich+fleet';

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
const registry: DeviceRecord[] = Array.from({ length: devices }, (_, d) => ({
  ...emptyRecord(`dev-${d}`),
  site: `site-${d % 7}`,
  model: `model-${d % 3}`,
  firmware: '1.4.0',
  tags: { building: `b${d % 4}` },
}));

function topology(variant: Variant): Topology {
  if (variant === 'pass-through') {
    const b = new StreamsBuilder();
    b.stream<string, unknown>('readings', { keySerde: Serdes.string(), valueSerde: json }).to('out', {
      keySerde: Serdes.string(),
      valueSerde: json,
    });
    return b.build();
  }
  const views: FleetView[] =
    variant === 'enrich'
      ? []
      : (['site', 'model'] as const).map((by) => ({
          by,
          windows: [{ name: '1m', sizeMs: 60_000, graceMs: 10_000, topic: `agg.${by}.1m` }],
        }));
  return enrichTopology({
    devicesTopic: 'devices',
    deviceSerde: deviceProfileSourceSerde(Serdes.json<DeviceRecord>()),
    routes: [{ route, enrichedTopic: 'out', views }],
    inputSerde: () => json,
    enrichedSerde: () => json,
    resultSerde: () => Serdes.json<WindowResult>(),
  });
}

async function run(variant: Variant) {
  const d = new TopologyTestDriver(topology(variant), { applicationId: 'enrich-bench', lateTopic: 'late' });
  if (variant !== 'pass-through')
    for (const r of registry) await d.pipeRaw('devices', Buffer.from(r.deviceId), Buffer.from(JSON.stringify(r)), T0);
  const started = performance.now();
  for (const r of input) await d.pipeRaw('readings', r.key, r.value, r.ts);
  const seconds = (performance.now() - started) / 1000;
  const out = d.producedTo('out').length;
  d.close();
  if (out !== input.length) throw new Error(`${variant}: ${out} of ${input.length} readings out`);
  return { variant, readings: input.length, readingsPerSecond: Math.round(input.length / seconds) };
}

const variants: Variant[] = ['pass-through', 'enrich', 'enrich+fleet'];
for (let i = 0; i < rounds; i++)
  for (let j = 0; j < variants.length; j++)
    console.log(JSON.stringify({ round: i + 1, ...(await run(variants[(i + j) % variants.length] as Variant)) }));
