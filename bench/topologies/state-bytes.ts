/**
 * Bytes of state per key of the two topologies (what each changelog record carries and what a
 * restore reads), for the repository's reading types with simulator-like signals:
 * - aggregate: one (device, window) accumulator after a 1-minute and a 1-hour window of readings
 *   every 10 s, with and without the p50/p95/p99 sketches;
 * - detect: one device's detector state (every field, default detectors) after 1,000 readings,
 *   without and with the combined detector.
 *
 *   node_modules/.bin/tsx bench/topologies/state-bytes.ts
 */
import { loadPipelineConfig } from '../../lib/config/index.js';
import { detectorsSection } from '../../lib/config/sections/detectors.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { gaussian, seededRandom } from '../../streams/detectors/testing/synthetic-series.js';
import {
  addReading,
  newWindowAccumulator,
  windowAccumulatorSerde,
} from '../../streams/topologies/aggregate/window-accumulator.js';
import { deviceStateSerde, newDeviceState } from '../../streams/topologies/detect/device-state.js';
import { detectorsForField, runFieldDetectors } from '../../streams/topologies/detect/field-detectors.js';
import { topologyRoute } from '../../streams/topologies/shared/topology-route.js';

const config = loadPipelineConfig({ env: loadStackEnv() });
const rng = seededRandom(1);
const T0 = 1_767_225_600_000;

/** Simulator-like values: a slow daily wave plus noise, rounded as sensors report them. */
function value(field: string, i: number): number {
  const wave = Math.sin((2 * Math.PI * i) / 8640);
  const base: Record<string, [number, number, number, number]> = {
    temperature: [21, 3, 0.2, 10],
    humidity: [45, 8, 0.5, 10],
    pressure: [1013, 4, 0.3, 10],
    voltage: [230, 2, 1, 10],
    current: [12, 6, 1.5, 100],
    power: [2700, 1400, 300, 1],
    energy: [10_000 + i * 0.01, 0, 0, 100],
  };
  const [mean, amp, sd, round] = base[field] ?? [0, 1, 1, 10];
  return Math.round((mean + amp * wave + sd * gaussian(rng)) * round) / round;
}

const rows: Record<string, unknown>[] = [];
for (const r of config.readingRoutes) {
  const route = topologyRoute(r);
  for (const [window, n] of [
    ['1m', 6],
    ['1h', 360],
  ] as const) {
    for (const sketch of [true, false]) {
      const acc = newWindowAccumulator();
      for (let i = 0; i < n; i++)
        addReading(
          acc,
          route.fields,
          { ts: T0 + i * 10_000, site: 'site-1', values: route.fields.map((f) => value(f, i)) },
          sketch,
        );
      const bytes = windowAccumulatorSerde.serialize(acc, 't')?.length ?? 0;
      rows.push({
        topology: 'aggregate',
        type: r.type,
        fields: route.fields.length,
        window,
        readings: n,
        percentiles: sketch,
        valueBytes: bytes,
      });
    }
  }
  for (const combined of [false, true]) {
    const section = detectorsSection.parse({
      ...config.detectors,
      combined: { ...config.detectors.combined, enabled: combined },
    });
    const detectors = new Map(route.fields.map((f) => [f, detectorsForField(section, route, f)] as const));
    const state = newDeviceState();
    for (let i = 0; i < 1000; i++)
      for (const f of route.fields) {
        state.fields[f] ??= {};
        runFieldDetectors(detectors.get(f) ?? [], state.fields[f], T0 + i * 10_000, value(f, i));
      }
    const bytes = deviceStateSerde.serialize(state, 't')?.length ?? 0;
    rows.push({
      topology: 'detect',
      type: r.type,
      fields: route.fields.length,
      combined,
      readings: 1000,
      valueBytes: bytes,
    });
  }
}
for (const row of rows) console.log(JSON.stringify(row));
