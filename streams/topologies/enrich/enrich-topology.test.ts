import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../../../lib/devices/registry/index.js';
import { emptyRecord } from '../../../lib/devices/registry/index.js';
import { type Serde, Serdes } from '../../runtime/serde.js';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import type { AggregateWindow } from '../aggregate/aggregate-topology.js';
import type { WindowResult } from '../aggregate/window-accumulator.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import { deviceProfileSourceSerde } from './device-profile.js';
import { enrichTopology } from './enrich-topology.js';
import type { FleetBy } from './fleet-views.js';

const route: TopologyRoute = {
  type: 'environment',
  topic: 'env',
  fields: ['temperature', 'humidity'],
  ranges: {},
  timeField: 'ts',
  tags: { floor: '2' },
};
const json = Serdes.json<unknown>() as Serde<unknown>;
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const M1 = (by: FleetBy): AggregateWindow => ({
  name: '1m',
  sizeMs: 60_000,
  graceMs: 10_000,
  topic: `env.agg.${by}.1m`,
});

interface Out {
  deviceId: string;
  site: string;
  temperature: number | null;
  model: string;
  firmware: string;
  deviceTags: Record<string, string>;
}

function driver(options: { by?: FleetBy[]; dedupe?: boolean } = {}) {
  const by = options.by ?? ['site', 'model'];
  const topology = enrichTopology({
    devicesTopic: 'devices',
    deviceSerde: deviceProfileSourceSerde(Serdes.json<DeviceRecord>()),
    routes: [{ route, enrichedTopic: 'env.enriched', views: by.map((b) => ({ by: b, windows: [M1(b)] })) }],
    anomalies: { topic: 'anomalies', enrichedTopic: 'anomalies.enriched' },
    inputSerde: () => json,
    enrichedSerde: () => json,
    resultSerde: () => Serdes.json<WindowResult>(),
    ...(options.dedupe !== undefined ? { dedupe: options.dedupe } : {}),
  });
  return new TopologyTestDriver(topology, { applicationId: 'enrich-test', lateTopic: 'late' });
}

const device = (id: string, site: string, model: string, extra: Partial<DeviceRecord> = {}): DeviceRecord => ({
  ...emptyRecord(id),
  site,
  model,
  firmware: '1.4.0',
  ...extra,
});

async function register(d: TopologyTestDriver, record: DeviceRecord, ts = T0) {
  await d.pipeInput('devices', record.deviceId, record, ts, { valueSerde: Serdes.json<DeviceRecord>() });
}

async function reading(d: TopologyTestDriver, deviceId: string, ts: number, temperature: number, site = 'mqtt-site') {
  await d.pipeInput('env', deviceId, { deviceId, ts, site, temperature, humidity: null }, ts);
}

describe('enrich topology (test driver)', () => {
  it('left join: a reading before its device record passes unenriched; after it, with model, firmware, tags and the registry site', async () => {
    const d = driver();
    await reading(d, 'd1', T0 + 1_000, 20);
    await register(d, device('d1', 'lyon', 'th-2', { tags: { building: 'b1' } }));
    await reading(d, 'd1', T0 + 2_000, 21);
    const out = await d.readOutput<string, Out>('env.enriched');
    expect(out.map((r) => [r.key, r.timestamp, r.value])).toEqual([
      [
        'd1',
        T0 + 1_000,
        {
          deviceId: 'd1',
          ts: T0 + 1_000,
          site: 'mqtt-site',
          temperature: 20,
          humidity: null,
          model: '',
          firmware: '',
          deviceTags: {},
        },
      ],
      [
        'd1',
        T0 + 2_000,
        {
          deviceId: 'd1',
          ts: T0 + 2_000,
          site: 'lyon',
          temperature: 21,
          humidity: null,
          model: 'th-2',
          firmware: '1.4.0',
          deviceTags: { building: 'b1' },
        },
      ],
    ]);
    d.close();
  });

  it('a device record written before the readings enriches all of them; an update applies to the next reading', async () => {
    const d = driver();
    await register(d, device('d1', 'lyon', 'th-2'));
    await reading(d, 'd1', T0 + 1_000, 20);
    await register(d, device('d1', 'lyon', 'th-3', { firmware: '2.0.0' }));
    await reading(d, 'd1', T0 + 2_000, 21);
    const out = await d.readOutput<string, Out>('env.enriched');
    expect(out.map((r) => [r.value.model, r.value.firmware])).toEqual([
      ['th-2', '1.4.0'],
      ['th-3', '2.0.0'],
    ]);
    d.close();
  });

  it('a tombstone removes the device: later readings pass unenriched with their own site', async () => {
    const d = driver();
    await register(d, device('d1', 'lyon', 'th-2'));
    await reading(d, 'd1', T0 + 1_000, 20);
    await d.pipeRaw('devices', Buffer.from('d1'), null, T0 + 1_500);
    await reading(d, 'd1', T0 + 2_000, 21);
    const out = await d.readOutput<string, Out>('env.enriched');
    expect(out.map((r) => [r.value.site, r.value.model])).toEqual([
      ['lyon', 'th-2'],
      ['mqtt-site', ''],
    ]);
    expect(d.readRawOutput(d.dlqTopic)).toEqual([]);
    d.close();
  });

  it('the table is restored from its changelog after a restart', async () => {
    const d = driver();
    await register(d, device('d1', 'lyon', 'th-2'));
    d.restart();
    await reading(d, 'd1', T0 + 1_000, 20);
    expect((await d.readOutput<string, Out>('env.enriched')).map((r) => r.value.model)).toEqual(['th-2']);
    d.close();
  });

  it('site view: one result per site and window counting the readings of every device of the site', async () => {
    const d = driver({ by: ['site'] });
    await register(d, device('d1', 'lyon', 'th-2'));
    await register(d, device('d2', 'lyon', 'th-3'));
    await register(d, device('d3', 'paris', 'th-2'));
    await reading(d, 'd1', T0 + 1_000, 20);
    await reading(d, 'd2', T0 + 2_000, 22);
    await reading(d, 'd2', T0 + 30_000, 24);
    await reading(d, 'd3', T0 + 5_000, 10);
    await reading(d, 'd4', T0 + 6_000, 15, 'nice'); // not in the registry: its own site
    expect(await d.readOutput('env.agg.site.1m')).toEqual([]);
    await reading(d, 'd1', T0 + 71_000, 20); // stream time past end + grace: [T0, T0 + 1m) closes
    const out = await d.readOutput<string, WindowResult>('env.agg.site.1m');
    const bySite = Object.fromEntries(out.map((r) => [r.key, r]));
    expect(Object.keys(bySite).sort()).toEqual(['lyon', 'nice', 'paris']);
    expect(bySite.lyon?.timestamp).toBe(T0);
    expect(bySite.lyon?.value).toMatchObject({
      deviceId: '',
      type: 'environment',
      site: 'lyon',
      windowStart: T0,
      windowEnd: T0 + 60_000,
      count: 3,
      tags: { floor: '2' },
    });
    expect(bySite.lyon?.value.fields.temperature).toMatchObject({ count: 3, min: 20, max: 24, sum: 66, mean: 22 });
    expect(bySite.paris?.value.count).toBe(1);
    expect(bySite.nice?.value.count).toBe(1);
    d.close();
  });

  it('model view: readings of one model across sites go through the repartition topic to one result per model', async () => {
    const d = driver({ by: ['model'] });
    await register(d, device('d1', 'lyon', 'th-2'));
    await register(d, device('d2', 'paris', 'th-2'));
    await register(d, device('d3', 'paris', 'th-3'));
    await reading(d, 'd1', T0 + 1_000, 20);
    await reading(d, 'd2', T0 + 2_000, 30);
    await reading(d, 'd3', T0 + 3_000, 40);
    await reading(d, 'd9', T0 + 4_000, 50); // no model: in no model result
    const repartitioned = d.producedTo('enrich-test-environment-by-model-repartition').map((r) => r.key?.toString());
    expect(repartitioned).toEqual(['th-2', 'th-2', 'th-3']);
    await reading(d, 'd1', T0 + 71_000, 20);
    const out = await d.readOutput<string, WindowResult>('env.agg.model.1m');
    const byModel = Object.fromEntries(out.map((r) => [r.key, r.value]));
    expect(Object.keys(byModel).sort()).toEqual(['th-2', 'th-3']);
    expect(byModel['th-2']).toMatchObject({ deviceId: '', site: '', count: 2, tags: { floor: '2', model: 'th-2' } });
    expect(byModel['th-2']?.fields.temperature).toMatchObject({ count: 2, min: 20, max: 30, mean: 25 });
    expect(byModel['th-3']?.count).toBe(1);
    d.close();
  });

  it('a copy of a reading (same device and ts) is counted once in the views, but enriched each time', async () => {
    const d = driver({ by: ['site'] });
    await register(d, device('d1', 'lyon', 'th-2'));
    await reading(d, 'd1', T0 + 1_000, 20);
    await reading(d, 'd1', T0 + 1_000, 20);
    await reading(d, 'd1', T0 + 71_000, 20);
    expect((await d.readOutput('env.enriched')).length).toBe(3);
    const out = await d.readOutput<string, WindowResult>('env.agg.site.1m');
    expect(out.map((r) => [r.key, r.value.count])).toEqual([['lyon', 1]]);
    d.close();
  });

  it('anomalies are enriched like readings', async () => {
    const d = driver({ by: [] });
    await register(d, device('d1', 'lyon', 'th-2', { tags: { owner: 'ops' } }));
    const anomaly = { deviceId: 'd1', type: 'environment', site: '', field: 'temperature', ts: T0, kind: 'SPIKE' };
    await d.pipeInput('anomalies', 'd1', anomaly, T0);
    const out = await d.readOutput<string, Record<string, unknown>>('anomalies.enriched');
    expect(out.map((r) => r.value)).toEqual([
      { ...anomaly, site: 'lyon', model: 'th-2', firmware: '1.4.0', deviceTags: { owner: 'ops' } },
    ]);
    d.close();
  });
});
