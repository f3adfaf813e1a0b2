import { describe, expect, it } from 'vitest';
import { detectorsSection } from '../../../lib/config/sections/detectors.js';
import type { DeviceDetectSettings } from '../../../lib/devices/registry/detect-settings.js';
import { heartbeatConfig } from '../../detectors/index.js';
import { gaussian, seededRandom } from '../../detectors/testing/synthetic-series.js';
import { type Serde, Serdes } from '../../runtime/serde.js';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import type { AnomalyRecord } from './anomaly-record.js';
import { detectTopology } from './detect-topology.js';
import { deviceEventSerde } from './device-event.js';
import { detectorsForField } from './field-detectors.js';

const route: TopologyRoute = {
  type: 'environment',
  topic: 'readings',
  fields: ['temperature', 'humidity'],
  ranges: { temperature: { min: -40, max: 85 }, humidity: { min: 0, max: 100 } },
  timeField: 'ts',
  tags: {},
};
const T0 = 1_767_225_600_000;
const MINUTE = 60_000;
const json = Serdes.json<unknown>() as Serde<unknown>;

/** The registry as the detect step sees it: a map the test changes between readings. */
function registry(entries: Record<string, Partial<DeviceDetectSettings>> = {}) {
  const table = new Map<string, DeviceDetectSettings>();
  const set = (id: string, s: Partial<DeviceDetectSettings> | undefined) => {
    if (s === undefined) table.delete(id);
    else table.set(id, { limits: {}, detectors: [], ...s });
  };
  for (const [id, s] of Object.entries(entries)) set(id, s);
  return { get: (id: string) => table.get(id), set };
}

function driverFor(devices: ReturnType<typeof registry>, input: Record<string, unknown> = {}) {
  const section = detectorsSection.parse({
    spikeDip: { enabled: true, confidence: 99.99 },
    combined: { enabled: false },
    missing: { expectedInterval: '1m', tolerance: 3, checkInterval: '10s' },
    ...input,
  });
  const problems: string[] = [];
  const topology = detectTopology({
    routes: [
      { route, detectors: new Map(route.fields.map((f) => [f, detectorsForField(section, route, f)] as const)) },
    ],
    readingSerde: () => json,
    anomaliesTopic: 'anomalies',
    anomalySerde: Serdes.json<AnomalyRecord>(),
    heartbeat: heartbeatConfig(section),
    checkIntervalMs: section.missing.checkInterval,
    stateRetentionMs: section.defaults.stateRetention,
    snapshotEvery: section.defaults.snapshotEvery,
    cooldownMs: section.defaults.cooldown,
    devices: { settings: devices, section, onProblems: (id, p) => problems.push(...p.map((x) => `${id}: ${x}`)) },
  });
  const driver = new TopologyTestDriver(topology, { applicationId: 'detect-devices', initialWallClockMs: T0 });
  return { driver, problems };
}

async function feed(d: TopologyTestDriver, deviceId: string, from: number, temps: readonly number[]) {
  for (let i = 0; i < temps.length; i++) {
    const ts = T0 + (from + i) * MINUTE;
    await d.pipeInput('readings', deviceId, { deviceId, ts, site: 'lab', temperature: temps[i], humidity: 50 }, ts);
    await d.advanceWallClockTime(MINUTE);
  }
}

function noise(n: number, mean: number, sd: number, seed = 1): number[] {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, () => mean + sd * gaussian(rng));
}

async function opened(d: TopologyTestDriver): Promise<AnomalyRecord[]> {
  return (await d.readOutput<string, AnomalyRecord>('anomalies'))
    .map((r) => r.value)
    .filter((a) => a.status === 'OPEN');
}

const minute = (a: AnomalyRecord) => (a.ts - T0) / MINUTE;

describe('detect topology with per-device settings from the registry (test driver)', () => {
  it("a reading beyond the device's own limit is OUT_OF_RANGE; inside the pipeline's range, other devices raise nothing", async () => {
    const devices = registry({ 'dev-lim': { limits: { temperature: { min: null, max: 25 } } } });
    const { driver } = driverFor(devices);
    for (const id of ['dev-lim', 'dev-other']) await feed(driver, id, 0, [20, 21, 30, 20]);
    const out = await opened(driver);
    expect(out.map((a) => [a.deviceId, a.kind, a.field, minute(a), a.value, a.upper])).toEqual([
      ['dev-lim', 'OUT_OF_RANGE', 'temperature', 2, 30, 25],
    ]);
    expect(out[0]?.detector).toBe('out-of-range');
    driver.close();
  });

  it('a limit changed after the start applies from the next reading; removing the device brings back the pipeline range', async () => {
    const devices = registry({ 'dev-1': { limits: { 'environment.temperature': { min: 10, max: 25 } } } });
    const { driver } = driverFor(devices, { defaults: { cooldown: '1m' } });
    await feed(driver, 'dev-1', 0, [30]);
    devices.set('dev-1', { limits: { temperature: { min: 10, max: 35 } } });
    await feed(driver, 'dev-1', 10, [30, 40]);
    devices.set('dev-1', undefined);
    await feed(driver, 'dev-1', 20, [5, 50, 90]);
    const out = (await opened(driver)).filter((a) => a.kind === 'OUT_OF_RANGE');
    expect(out.map((a) => [minute(a), a.value, a.lower, a.upper])).toEqual([
      [0, 30, 10, 25],
      [11, 40, 10, 35],
      [22, 90, -40, 85],
    ]);
    driver.close();
  });

  it('detector overrides: spike-dip off for one device, kept for another; a bad setting is named and left out', async () => {
    const devices = registry({
      'dev-off': { detectors: [{ detector: 'spikeDip', field: 'temperature', settings: { enabled: false } }] },
      'dev-bad': { detectors: [{ detector: 'spikeDip', field: null, settings: { confidence: 200 } }] },
    });
    const { driver, problems } = driverFor(devices);
    const series = noise(200, 20, 0.5);
    series[150] = 30;
    for (const id of ['dev-off', 'dev-on', 'dev-bad']) await feed(driver, id, 0, series);
    const spikes = (await opened(driver)).filter((a) => a.kind === 'SPIKE');
    expect(spikes.map((a) => [a.deviceId, minute(a)])).toEqual([
      ['dev-on', 150],
      ['dev-bad', 150],
    ]);
    expect(problems).toEqual([expect.stringMatching(/^dev-bad: detectors\[0\] \(spikeDip\): spikeDip\.confidence: /)]);
    driver.close();
  });

  it('a detector whose settings change starts learning again; a limit change keeps its state', async () => {
    const devices = registry();
    const { driver } = driverFor(devices);
    const series = noise(200, 20, 0.5, 3);
    series[150] = 30;
    await feed(driver, 'dev-1', 0, series.slice(0, 150));
    devices.set('dev-1', { detectors: [{ detector: 'spikeDip', field: null, settings: { confidence: 99.995 } }] });
    await feed(driver, 'dev-1', 150, series.slice(150)); // warm-up again (30 readings): the spike is not caught
    const other = registry();
    const { driver: kept } = driverFor(other);
    await feed(kept, 'dev-1', 0, series.slice(0, 150));
    other.set('dev-1', { limits: { humidity: { min: 0, max: 90 } } });
    await feed(kept, 'dev-1', 150, series.slice(150));
    expect((await opened(driver)).filter((a) => a.kind === 'SPIKE')).toEqual([]);
    expect((await opened(kept)).filter((a) => a.kind === 'SPIKE').map(minute)).toEqual([150]);
    driver.close();
    kept.close();
  });

  it('the settings a device ran with are journaled: restarts (restores) anywhere, with the registry changed since, change no anomaly', async () => {
    const run = async (restartAt: readonly number[]) => {
      const devices = registry({ 'dev-1': { limits: { temperature: { min: null, max: 24 } } } });
      const { driver } = driverFor(devices, { defaults: { snapshotEvery: 7, cooldown: '1m' } });
      const series = noise(240, 20, 0.5, 5);
      for (const i of [60, 130, 170, 220]) series[i] = 24.5;
      series[200] = 30;
      for (let i = 0; i < series.length; i++) {
        if (i === 100)
          devices.set('dev-1', {
            limits: { temperature: { min: null, max: 24 } },
            detectors: [{ detector: 'spikeDip', field: null, settings: { enabled: false } }],
          });
        if (i === 160) devices.set('dev-1', { limits: { temperature: { min: null, max: 25 } } });
        if (restartAt.includes(i)) driver.restart();
        await feed(driver, 'dev-1', i, [series[i] as number]);
      }
      const out = (await driver.readOutput<string, AnomalyRecord>('anomalies')).map((r) => r.value);
      driver.close();
      return out;
    };
    const straight = await run([]);
    expect(straight.filter((a) => a.status === 'OPEN').map((a) => [a.kind, minute(a)])).toEqual([
      ['OUT_OF_RANGE', 60],
      ['OUT_OF_RANGE', 130],
      ['OUT_OF_RANGE', 200],
    ]);
    expect(await run([99, 101, 150, 161, 205])).toEqual(straight);
  });

  it("a restart keeps the settings the device's detectors learned under: a spike right after it is caught", async () => {
    const devices = registry({
      'dev-1': { detectors: [{ detector: 'spikeDip', field: 'temperature', settings: { history: 60 } }] },
    });
    const { driver } = driverFor(devices, { defaults: { snapshotEvery: 7 } });
    const series = noise(151, 20, 0.5, 6);
    series[150] = 30;
    await feed(driver, 'dev-1', 0, series.slice(0, 150));
    driver.restart();
    await feed(driver, 'dev-1', 150, series.slice(150));
    expect((await opened(driver)).filter((a) => a.kind === 'SPIKE').map(minute)).toEqual([150]);
    driver.close();
  });

  it('settings events round-trip through the event serde', () => {
    const key = '{"limits":{"temperature":{"min":null,"max":25}},"detectors":[]}';
    for (const e of [
      { kind: 'settings', key },
      { kind: 'settings', key: '' },
    ] as const)
      expect(deviceEventSerde.deserialize(deviceEventSerde.serialize(e, 't') as Buffer, 't')).toEqual(e);
  });
});
