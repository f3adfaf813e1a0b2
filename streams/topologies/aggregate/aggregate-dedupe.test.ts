import { describe, expect, it } from 'vitest';
import { type Serde, Serdes } from '../../runtime/serde.js';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import type { SeenTimestamps } from '../shared/seen-timestamps.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import { type AggregateWindow, aggregateTopology } from './aggregate-topology.js';
import type { WindowResult } from './window-accumulator.js';

// Issue 15: the MQTT source is at-least-once, so a reading (deviceId, ts) can reach Kafka twice.
const route: TopologyRoute = {
  type: 'environment',
  topic: 'readings',
  fields: ['temperature'],
  ranges: {},
  timeField: 'ts',
  tags: {},
};
const json = Serdes.json<unknown>() as Serde<unknown>;
const T0 = 1_767_225_600_000;
const M1: AggregateWindow = { name: '1m', sizeMs: 60_000, graceMs: 10_000, topic: 'agg.1m' };
const H1: AggregateWindow = { name: '1h', sizeMs: 3_600_000, graceMs: 120_000, topic: 'agg.1h' };

function driverFor(options: { dedupe?: boolean; windows?: AggregateWindow[]; duplicates?: string[] } = {}) {
  const topology = aggregateTopology({
    routes: [{ route, windows: options.windows ?? [M1] }],
    readingSerde: () => json,
    resultSerde: () => Serdes.json<WindowResult>(),
    ...(options.dedupe !== undefined ? { dedupe: options.dedupe } : {}),
    onDuplicate: (type, deviceId, ts) => options.duplicates?.push(`${type}/${deviceId}@${ts - T0}`),
  });
  return new TopologyTestDriver(topology, { applicationId: 'agg-dedupe', lateTopic: 'late' });
}

async function pipe(d: TopologyTestDriver, deviceId: string, at: number, temperature: number) {
  await d.pipeInput('readings', deviceId, { deviceId, ts: T0 + at, site: 's', temperature }, T0 + at);
}

/** Closes the first minute and returns its results as `device: count/sum`. */
async function firstMinute(d: TopologyTestDriver): Promise<Record<string, string>> {
  await pipe(d, 'dev-z', 200_000, 0);
  const out = await d.readOutput<string, WindowResult>('agg.1m');
  return Object.fromEntries(
    out
      .filter((r) => r.value.windowStart === T0)
      .map((r) => [r.key, `${r.value.count}/${r.value.fields.temperature?.sum}`]),
  );
}

describe('aggregate topology: each reading (deviceId, ts) counted once', () => {
  it('a copy (same key, same ts) does not change the window result; it is reported', async () => {
    const duplicates: string[] = [];
    const d = driverFor({ duplicates });
    await pipe(d, 'dev-1', 1_000, 10);
    await pipe(d, 'dev-1', 2_000, 20);
    await pipe(d, 'dev-1', 1_000, 10); // redelivered
    await pipe(d, 'dev-1', 2_000, 20); // redelivered
    expect(await firstMinute(d)).toEqual({ 'dev-1': '2/30' });
    expect(duplicates).toEqual(['environment/dev-1@1000', 'environment/dev-1@2000']);
    d.close();
  });

  it('counts copies with dedupe off (the behaviour before issue 15)', async () => {
    const d = driverFor({ dedupe: false });
    await pipe(d, 'dev-1', 1_000, 10);
    await pipe(d, 'dev-1', 1_000, 10);
    expect(await firstMinute(d)).toEqual({ 'dev-1': '2/20' });
    expect(d.outputTopics().some((t) => t.includes('-seen-'))).toBe(false);
    d.close();
  });

  it('counts another ts of the same device and the same ts of another device', async () => {
    const d = driverFor();
    await pipe(d, 'dev-1', 1_000, 10);
    await pipe(d, 'dev-1', 1_001, 11);
    await pipe(d, 'dev-2', 1_000, 12);
    expect(await firstMinute(d)).toEqual({ 'dev-1': '2/21', 'dev-2': '1/12' });
    d.close();
  });

  it('counts out-of-order but distinct readings within the horizon, drops their copies', async () => {
    const d = driverFor();
    for (const at of [50_000, 10_000, 40_000, 20_000, 30_000, 20_000, 50_000]) await pipe(d, 'dev-1', at, at / 10_000);
    expect(await firstMinute(d)).toEqual({ 'dev-1': '5/15' });
    d.close();
  });

  it('keeps at most horizon / interval times per device (pruned as the device advances)', async () => {
    const d = driverFor({ windows: [M1, H1] }); // horizon 1 h + 2 min = 372 readings 10 s apart
    for (let i = 0; i < 1_500; i++) await pipe(d, 'dev-1', i * 10_000, 1);
    const seen = d.getKeyValueStore<string, SeenTimestamps>('environment-seen').get('dev-1') ?? [];
    expect(seen).toHaveLength(372);
    expect(seen[0]).toBe(T0 + 1_128 * 10_000);
    // What the changelog holds for the device is its latest set (whole, compact: ~2 bytes a time).
    const log = d.producedTo('agg-dedupe-environment-seen-changelog');
    const last = log[log.length - 1];
    expect(last?.value?.length).toBeLessThan(8 + 8 + 2 + 372 * 2 + 8);
    d.close();
  });

  it('deletes a device silent for the horizon (store retention)', async () => {
    const d = driverFor();
    await pipe(d, 'dev-1', 1_000, 1);
    await pipe(d, 'dev-2', 1_000_000, 1);
    const store = d.getKeyValueStore<string, SeenTimestamps>('environment-seen');
    expect(store.get('dev-1')).toBeUndefined();
    expect(store.get('dev-2')).toEqual([T0 + 1_000_000]);
    d.close();
  });

  it('remembers the times seen across a restart (restored from the changelog)', async () => {
    const d = driverFor();
    await pipe(d, 'dev-1', 1_000, 10);
    await pipe(d, 'dev-1', 2_000, 20);
    d.restart();
    expect(d.getKeyValueStore<string, SeenTimestamps>('environment-seen').get('dev-1')).toEqual([
      T0 + 1_000,
      T0 + 2_000,
    ]);
    await pipe(d, 'dev-1', 1_000, 10); // redelivered after the crash
    await pipe(d, 'dev-1', 3_000, 30);
    expect(await firstMinute(d)).toEqual({ 'dev-1': '3/60' });
    d.close();
  });
});
