import { describe, expect, it } from 'vitest';
import { statsTopology } from '../test-utils/stats-topology.js';
import { TopologyTestDriver } from '../test-utils/topology-test-driver.js';
import { StreamsBuilder } from './dsl/streams-builder.js';
import { Materialized } from './materialized.js';
import { Serdes } from './serde.js';
import { Suppressed } from './windows/suppressed.js';
import { TimeWindows } from './windows/time-windows.js';
import type { Windowed } from './windows/window.js';

const str = Serdes.string();

function countTopology(windows: TimeWindows, suppress: boolean) {
  const b = new StreamsBuilder();
  const table = b
    .stream('in', { keySerde: str, valueSerde: Serdes.json<number>() })
    .groupByKey()
    .windowedBy(windows)
    .count(Materialized.as('counts'));
  (suppress ? table.suppress(Suppressed.untilWindowCloses()) : table)
    .toStream()
    .to('out', { keySerde: Serdes.windowed(str), valueSerde: Serdes.float64() });
  return b.build();
}

const summary = (rs: { key: Windowed<string>; value: number }[]) =>
  rs.map((r) => `${r.key.key}@${r.key.window.start}-${r.key.window.end}=${r.value}`);

describe('windowed aggregation (test driver)', () => {
  it('emits on every update by default, into each hopping window', async () => {
    const d = new TopologyTestDriver(countTopology(TimeWindows.ofSizeAndGrace(10, 0).advanceBy(5), false));
    await d.pipeInput('in', 'a', 1, 7);
    await d.pipeInput('in', 'a', 1, 8);
    const out = await d.readOutput<Windowed<string>, number>('out');
    expect(summary(out)).toEqual(['a@0-10=1', 'a@5-15=1', 'a@0-10=2', 'a@5-15=2']);
    expect(out[0]?.timestamp).toBe(0);
    d.close();
  });

  it('with suppression emits exactly one final result per window and key when stream time passes end + grace', async () => {
    const d = new TopologyTestDriver(countTopology(TimeWindows.ofSizeAndGrace(10, 5), true));
    await d.pipeInput('in', 'a', 1, 1);
    await d.pipeInput('in', 'b', 1, 2);
    await d.pipeInput('in', 'a', 1, 9);
    await d.pipeInput('in', 'a', 1, 12); // window 0-10 still open: closes at 15
    await d.pipeInput('in', 'a', 1, 3); // within grace: counted in 0-10
    expect(await d.readOutput('out')).toEqual([]);
    await d.pipeInput('in', 'c', 1, 15); // stream time 15 closes 0-10
    expect(summary(await d.readOutput('out'))).toEqual(['a@0-10=3', 'b@0-10=1']);
    await d.pipeInput('in', 'c', 1, 16);
    await d.pipeInput('in', 'c', 1, 40); // closes 10-20
    expect(summary(await d.readOutput('out'))).toEqual(['a@10-20=1', 'c@10-20=2']);
    expect(d.getWindowStore<string, number>('counts').windowStarts()).toEqual([40]);
    d.close();
  });

  it('sends records later than grace to the late-records topic with headers, never dropping them', async () => {
    const d = new TopologyTestDriver(countTopology(TimeWindows.ofSizeAndGrace(10, 5), true));
    await d.pipeInput('in', 'a', 1, 1);
    await d.pipeInput('in', 'a', 1, 20); // closes 0-10
    await d.pipeInput('in', 'a', 42, 4, { headers: { trace: 'x' } }); // late
    const late = d.readRawOutput(d.lateTopic);
    expect(late).toHaveLength(1);
    expect(late[0]?.key?.toString()).toBe('a');
    expect(late[0]?.value?.toString()).toBe('42');
    expect(late[0]?.timestamp).toBe(4);
    expect(late[0]?.headers).toMatchObject({
      trace: 'x',
      'late.step': 'counts',
      'late.stream.time': '20',
      'late.closed.windows': '1',
      'late.window.end': '10',
      'source.topic': 'in',
      'source.offset': '2',
    });
    expect(summary(await d.readOutput('out'))).toEqual(['a@0-10=1']);
    d.close();
  });

  it('aggregates count/min/max/mean of a field and restores state after a restart without repeating results', async () => {
    const d = new TopologyTestDriver(statsTopology({ input: 'r', output: 's', windowMs: 60_000, graceMs: 1_000 }));
    await d.pipeInput('r', 'dev-1', { value: 3 }, 1_000);
    await d.pipeInput('r', 'dev-1', { value: -1 }, 2_000);
    d.restart(); // state and stream time come back from the changelogs
    await d.pipeInput('r', 'dev-1', { value: 10 }, 3_000);
    await d.pipeInput('r', 'dev-2', { value: 5 }, 61_000); // closes window 0 at 61_000
    d.restart();
    await d.pipeInput('r', 'dev-2', { value: 7 }, 130_000);
    const out = await d.readOutput<string, Record<string, number>>('s');
    expect(out.map((r) => r.value)).toEqual([
      { deviceId: 'dev-1', windowStart: 0, windowEnd: 60_000, count: 3, min: -1, max: 10, mean: 4 },
      { deviceId: 'dev-2', windowStart: 60_000, windowEnd: 120_000, count: 1, min: 5, max: 5, mean: 5 },
    ]);
    d.close();
  });

  it('logs window deletions to the changelog so a restored store holds only open windows', async () => {
    const d = new TopologyTestDriver(countTopology(TimeWindows.ofSizeAndGrace(10, 0), true));
    await d.pipeInput('in', 'a', 1, 1);
    await d.pipeInput('in', 'a', 1, 11);
    const log = d.producedTo('test-app-counts-changelog');
    expect(log.map((r) => [r.key?.readBigInt64BE(0), r.value === null ? null : r.value.readDoubleBE(0)])).toEqual([
      [0n, 1],
      [10n, 1],
      [0n, null],
    ]);
    expect(log.every((r) => r.partition === 0)).toBe(true);
    d.restart();
    expect(d.getWindowStore<string, number>('counts').windowStarts()).toEqual([10]);
    expect(d.streamTime()).toBe(11);
    d.close();
  });

  it('rejects a retention shorter than size + grace, naming the key', () => {
    const b = new StreamsBuilder();
    const grouped = b.stream('in', { keySerde: str, valueSerde: Serdes.json<number>() }).groupByKey();
    expect(() =>
      grouped
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
        .count(Materialized.as<string, number>('c').withRetention(14)),
    ).toThrow(/materialized.c.retentionMs/);
  });
});
