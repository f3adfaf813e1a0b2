import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { type Serde, Serdes } from '../runtime/serde.js';
import { TopologyTestDriver } from '../test-utils/topology-test-driver.js';
import { aggregateTopology } from './aggregate/aggregate-topology.js';
import { aggregateWindows } from './aggregate/aggregate-worker.js';
import type { WindowResult } from './aggregate/window-accumulator.js';
import type { AnomalyRecord } from './detect/anomaly-record.js';
import { detectTopology } from './detect/detect-topology.js';
import { detectRoutes } from './detect/detect-worker.js';
import { topologyRoute } from './shared/topology-route.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// A data team's whole change: one .avsc and one route line. The topologies need no code for it.
const CO2 = {
  type: 'record',
  name: 'AirReading',
  namespace: 'iotp.telemetry',
  fields: [
    { name: 'deviceId', type: 'string' },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'site', type: 'string', default: '' },
    { name: 'co2', type: ['null', 'double'], default: null, doc: 'CO2. unit: ppm; range: 400..5000' },
    { name: 'voc', type: 'int', default: 0, doc: 'VOC index. range: 0..500' },
  ],
};

function configWithAirType() {
  const dir = mkdtempSync(join(tmpdir(), 'iotp-topo-newtype-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'air.avsc'), JSON.stringify(CO2));
  const yaml = [
    'routes:',
    '  - { type: air, mqtt: "sensors/{site}/{deviceId}/air", schema: air.avsc }',
    'registry:',
    `  schemasDir: ${join(repoRoot, 'schemas')}`,
    'streams:',
    '  windows: [{ size: 1m, grace: 0s }]',
    'sink: { influx: { api: v1, db: x } }',
  ].join('\n');
  writeFileSync(join(dir, 'pipeline.yaml'), yaml);
  return loadPipelineConfig({ file: join(dir, 'pipeline.yaml'), env: {} });
}

const json = Serdes.json<unknown>() as Serde<unknown>;
const T0 = 1_767_225_600_000;

describe('a new sensor type (new .avsc + one route)', () => {
  it('is aggregated on every numeric field its schema declares', async () => {
    const config = configWithAirType();
    const [r] = config.readingRoutes;
    if (!r) throw new Error('no route');
    const route = topologyRoute(r);
    expect(route.fields).toEqual(['co2', 'voc']);
    const windows = aggregateWindows(config, r.topic);
    expect(windows).toEqual([{ name: '1m', sizeMs: 60_000, graceMs: 0, topic: 'telemetry.air.agg.1m' }]);
    const d = new TopologyTestDriver(
      aggregateTopology({
        routes: [{ route, windows }],
        readingSerde: () => json,
        resultSerde: () => Serdes.json<WindowResult>(),
      }),
    );
    await d.pipeInput('telemetry.air', 'a1', { deviceId: 'a1', ts: T0, site: '', co2: 600, voc: 10 }, T0);
    await d.pipeInput('telemetry.air', 'a1', { deviceId: 'a1', ts: T0 + 1, site: '', co2: null, voc: 30 }, T0);
    await d.pipeInput('telemetry.air', 'a1', { deviceId: 'a1', ts: T0 + 60_000, site: '', co2: 1, voc: 1 }, T0);
    const [out] = await d.readOutput<string, WindowResult>('telemetry.air.agg.1m');
    expect(out?.value.type).toBe('air');
    expect(out?.value.fields.co2).toMatchObject({ count: 1, sum: 600 });
    expect(out?.value.fields.voc).toMatchObject({ count: 2, sum: 40, mean: 20 });
    d.close();
  });

  it('gets detectors on every numeric field, out of range from its schema doc ranges', async () => {
    const config = configWithAirType();
    const routes = detectRoutes(config);
    expect([...(routes[0]?.detectors.keys() ?? [])]).toEqual(['co2', 'voc']);
    expect(routes[0]?.detectors.get('co2')?.map((x) => x.name)).toContain('out-of-range');
    const d = new TopologyTestDriver(
      detectTopology({
        routes,
        readingSerde: () => json,
        anomaliesTopic: 'anomalies',
        anomalySerde: Serdes.json<AnomalyRecord>(),
        heartbeat: undefined,
        checkIntervalMs: 1_000,
        stateRetentionMs: 86_400_000,
        snapshotEvery: 128,
        cooldownMs: 300_000,
      }),
    );
    await d.pipeInput('telemetry.air', 'a1', { deviceId: 'a1', ts: T0, site: '', co2: 9000, voc: 600 }, T0);
    const out = await d.readOutput<string, AnomalyRecord>('anomalies');
    expect(out.map((a) => [a.value.type, a.value.field, a.value.kind, a.value.upper])).toEqual([
      ['air', 'co2', 'OUT_OF_RANGE', 5000],
      ['air', 'voc', 'OUT_OF_RANGE', 500],
    ]);
    d.close();
  });
});
