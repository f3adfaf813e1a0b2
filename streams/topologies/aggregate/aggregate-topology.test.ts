import { describe, expect, it } from 'vitest';
import { loadSchemaFile } from '../../../lib/serde/index.js';
import { type Serde, Serdes } from '../../runtime/serde.js';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import { type AggregateWindow, aggregateTopology } from './aggregate-topology.js';
import type { WindowResult } from './window-accumulator.js';

const route: TopologyRoute = {
  type: 'environment',
  topic: 'readings',
  fields: ['temperature', 'humidity'],
  ranges: {},
  timeField: 'ts',
  tags: { floor: '2' },
};

interface Reading {
  deviceId: string;
  ts: number;
  site: string;
  temperature: number | null;
  humidity: number | null;
}

const json = Serdes.json<unknown>() as Serde<unknown>;
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z, a multiple of 1 h

function driverFor(windows: AggregateWindow[], percentiles = true) {
  const topology = aggregateTopology({
    routes: [{ route, windows }],
    readingSerde: () => json,
    resultSerde: () => Serdes.json<WindowResult>(),
    percentiles,
  });
  return new TopologyTestDriver(topology, { applicationId: 'agg-test', lateTopic: 'late' });
}

async function pipe(
  d: TopologyTestDriver,
  deviceId: string,
  ts: number,
  temperature: number | null,
  humidity: number | null = null,
  site = 's1',
) {
  const r: Reading = { deviceId, ts, site, temperature, humidity };
  await d.pipeInput('readings', deviceId, r, ts);
}

const M1: AggregateWindow = { name: '1m', sizeMs: 60_000, graceMs: 10_000, topic: 'agg.1m' };
const H1: AggregateWindow = { name: '1h', sizeMs: 3_600_000, graceMs: 120_000, topic: 'agg.1h' };

describe('aggregate topology (test driver, hand-computed windows)', () => {
  it('emits one final result per window and device, only once the window closed (end + grace)', async () => {
    const d = driverFor([M1]);
    await pipe(d, 'dev-1', T0 + 1_000, 20, 40);
    await pipe(d, 'dev-1', T0 + 30_000, 24, null);
    await pipe(d, 'dev-2', T0 + 31_000, 10, 50, 's2');
    await pipe(d, 'dev-1', T0 + 20_000, 22, 60); // out of order, same window
    await pipe(d, 'dev-1', T0 + 65_000, 100, null); // next window; stream time 65 s < 60 + 10 s
    expect(await d.readOutput('agg.1m')).toEqual([]);
    await pipe(d, 'dev-2', T0 + 70_000, 11, null); // stream time 70 s: [0, 60 s) closes
    const out = await d.readOutput<string, WindowResult>('agg.1m');
    expect(out.map((r) => r.key).sort()).toEqual(['dev-1', 'dev-2']);
    const dev1 = out.find((r) => r.key === 'dev-1');
    // temperature 20 (1 s), 24 (30 s), 22 (20 s): sum 66, mean 22, deviations -2 2 0 -> variance 8/3
    expect(dev1?.timestamp).toBe(T0);
    expect(dev1?.value).toMatchObject({
      deviceId: 'dev-1',
      type: 'environment',
      site: 's1',
      windowStart: T0,
      windowEnd: T0 + 60_000,
      count: 3,
      tags: { floor: '2' },
    });
    expect(dev1?.value.fields.temperature).toMatchObject({
      count: 3,
      min: 20,
      max: 24,
      sum: 66,
      mean: 22,
      first: 20,
      last: 24,
    });
    expect(dev1?.value.fields.temperature?.stddev).toBeCloseTo(Math.sqrt(8 / 3), 12);
    // humidity 40 (1 s), null, 60 (20 s): the null is not a value
    expect(dev1?.value.fields.humidity).toMatchObject({
      count: 2,
      min: 40,
      max: 60,
      sum: 100,
      mean: 50,
      stddev: 10,
      first: 40,
      last: 60,
    });
    const dev2 = out.find((r) => r.key === 'dev-2');
    expect(dev2?.value).toMatchObject({ site: 's2', count: 1 });
    expect(dev2?.value.fields.temperature).toMatchObject({ count: 1, min: 10, max: 10, stddev: 0, p50: 10, p99: 10 });
    // No second result for a closed window, ever.
    await pipe(d, 'dev-1', T0 + 200_000, 1, null);
    const later = await d.readOutput<string, WindowResult>('agg.1m');
    expect(later.map((r) => `${r.key}@${r.value.windowStart - T0}`).sort()).toEqual(['dev-1@60000', 'dev-2@60000']);
    d.close();
  });

  it('counts late records within grace and sends records beyond grace to the late topic', async () => {
    const d = driverFor([M1, H1]);
    await pipe(d, 'dev-1', T0 + 10_000, 1);
    await pipe(d, 'dev-1', T0 + 65_000, 2); // stream time 65 s
    await pipe(d, 'dev-1', T0 + 50_000, 4); // 15 s behind, window [0, 60 s) open until 70 s: counted
    await pipe(d, 'dev-1', T0 + 75_000, 8); // stream time 75 s: [0, 60 s) closed
    await pipe(d, 'dev-1', T0 + 55_000, 16); // late for 1m (closed), within the open 1h window
    const m = await d.readOutput<string, WindowResult>('agg.1m');
    expect(m).toHaveLength(1);
    expect(m[0]?.value.fields.temperature).toMatchObject({ count: 2, sum: 5, first: 1, last: 4 });
    const late = d.readRawOutput('late');
    expect(late).toHaveLength(1);
    expect(late[0]?.headers).toMatchObject({
      'late.step': 'environment-1m',
      'late.stream.time': String(T0 + 75_000),
      'late.window.end': String(T0 + 60_000),
      'source.topic': 'readings',
      'source.offset': '4',
    });
    expect(JSON.parse(late[0]?.value?.toString() ?? '{}')).toMatchObject({ ts: T0 + 55_000, temperature: 16 });
    // Close the hour: the late-for-1m record is in it.
    await pipe(d, 'dev-1', T0 + 3_600_000 + 120_000, 0);
    const h = await d.readOutput<string, WindowResult>('agg.1h');
    expect(h).toHaveLength(1);
    expect(h[0]?.value.fields.temperature).toMatchObject({ count: 5, sum: 31, min: 1, max: 16, first: 1, last: 8 });
    expect(h[0]?.value).toMatchObject({ windowStart: T0, windowEnd: T0 + 3_600_000, count: 5 });
    d.close();
  });

  it('hopping windows: a record counts in every window that contains it', async () => {
    const d = driverFor([{ name: '20s', sizeMs: 20_000, graceMs: 0, hopMs: 10_000, topic: 'agg.20s' }]);
    await pipe(d, 'dev-1', T0 + 5_000, 1); // [-10 s, 10 s) and [0, 20 s)
    await pipe(d, 'dev-1', T0 + 15_000, 2); // [0, 20 s) and [10 s, 30 s)
    await pipe(d, 'dev-1', T0 + 25_000, 4); // [10 s, 30 s) and [20 s, 40 s)
    await pipe(d, 'dev-1', T0 + 60_000, 0); // grace 0: closes every window ending <= 60 s
    const out = await d.readOutput<string, WindowResult>('agg.20s');
    const byStart = new Map(out.map((r) => [r.value.windowStart - T0, r.value.fields.temperature?.sum]));
    expect(byStart).toEqual(
      new Map([
        [-10_000, 1],
        [0, 3],
        [10_000, 6],
        [20_000, 4],
      ]),
    );
    d.close();
  });

  it('dead-letters a reading with a non-numeric field before any window sees it', async () => {
    const d = driverFor([M1]);
    await pipe(d, 'dev-1', T0 + 1_000, 5);
    await d.pipeInput('readings', 'dev-1', { deviceId: 'dev-1', ts: T0 + 2_000, site: '', temperature: 'hot' }, T0);
    await pipe(d, 'dev-1', T0 + 80_000, 0);
    const dlq = d.readRawOutput('telemetry.dlq');
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.headers).toMatchObject({
      'error.stage': 'streams',
      'error.reason': 'PROCESSING_FAILED',
      'error.code': 'STREAMS_BAD_READING',
      'error.step': 'environment-values',
      'source.offset': '1',
    });
    const out = await d.readOutput<string, WindowResult>('agg.1m');
    expect(out[0]?.value.count).toBe(1);
    expect(out[0]?.value.fields.temperature?.sum).toBe(5);
    d.close();
  });

  it('restores open windows from the changelog after a restart (same results as without)', async () => {
    const run = async (restartAt: number | undefined) => {
      const d = driverFor([M1]);
      const series = [3, 1, 4, 1, 5, 9, 2, 6];
      for (let i = 0; i < series.length; i++) {
        if (i === restartAt) d.restart();
        await pipe(d, `dev-${i % 2}`, T0 + i * 5_000, series[i] as number, i);
      }
      await pipe(d, 'dev-9', T0 + 75_000, 0);
      const out = await d.readOutput<string, WindowResult>('agg.1m');
      d.close();
      return out.map((r) => r.value).sort((a, b) => a.deviceId.localeCompare(b.deviceId));
    };
    const straight = await run(undefined);
    expect(straight).toHaveLength(2);
    expect(await run(5)).toEqual(straight);
  });

  it('leaves p50/p95/p99 null when percentiles are off', async () => {
    const d = driverFor([M1], false);
    await pipe(d, 'dev-1', T0, 1);
    await pipe(d, 'dev-1', T0 + 70_000, 1);
    const [r] = await d.readOutput<string, WindowResult>('agg.1m');
    expect(r?.value.fields.temperature).toMatchObject({ count: 1, p50: null, p95: null, p99: null });
    d.close();
  });

  it('results are valid window-result Avro records', async () => {
    const schema = loadSchemaFile('schemas/window-result.avsc');
    const d = driverFor([M1]);
    await pipe(d, 'dev-1', T0, 1, 2);
    await pipe(d, 'dev-1', T0 + 1, null, null);
    await pipe(d, 'dev-1', T0 + 70_000, 1);
    const [r] = await d.readOutput<string, WindowResult>('agg.1m');
    expect(r?.value.count).toBe(2);
    const errors: string[] = [];
    const ok = schema.type.isValid(r?.value, { errorHook: (path) => errors.push(path.join('.')) });
    expect(errors).toEqual([]);
    expect(ok).toBe(true);
    d.close();
  });
});
