import { describe, expect, it } from 'vitest';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import { Materialized } from '../materialized.js';
import { Serdes } from '../serde.js';
import { Suppressed } from '../windows/suppressed.js';
import { TimeWindows } from '../windows/time-windows.js';
import { StreamsBuilder } from './streams-builder.js';

const str = Serdes.string();
const num = Serdes.json<number>();

describe('KStream DSL (test driver)', () => {
  it('filter, map, mapValues, flatMap, peek and merge transform records in order', async () => {
    const b = new StreamsBuilder();
    const seen: string[] = [];
    const s = b.stream('in', { keySerde: str, valueSerde: num });
    const evens = s.filter((_k, v) => v % 2 === 0, 'evens').mapValues((v) => v * 10);
    const odds = s.filterNot((_k, v) => v % 2 === 0).map((k, v): [string, number] => [`${k}-odd`, v]);
    evens
      .merge(odds, 'both')
      .flatMap((k, v) => [[k, v] as const, [k, v + 1] as const])
      .peek((k, v) => seen.push(`${k}:${v}`))
      .to('out', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    await d.pipeInput('in', 'a', 1, 0);
    await d.pipeInput('in', 'a', 2, 0);
    expect((await d.readOutput<string, number>('out')).map((r) => `${r.key}:${r.value}`)).toEqual([
      'a-odd:1',
      'a-odd:2',
      'a:20',
      'a:21',
    ]);
    expect(seen).toEqual(['a-odd:1', 'a-odd:2', 'a:20', 'a:21']);
    d.close();
  });

  it('split routes each record to the first matching branch or the default one', async () => {
    const b = new StreamsBuilder();
    const branches = b
      .stream('in', { keySerde: str, valueSerde: num })
      .split('route')
      .branch('hot', (_k, v) => v > 30)
      .branch('warm', (_k, v) => v > 20)
      .defaultBranch('rest');
    for (const [name, stream] of Object.entries(branches)) stream.to(name, { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    for (const v of [35, 25, 5, 40]) await d.pipeInput('in', 'k', v, 0);
    expect((await d.readOutput<string, number>('route-hot')).map((r) => r.value)).toEqual([35, 40]);
    expect((await d.readOutput<string, number>('route-warm')).map((r) => r.value)).toEqual([25]);
    expect((await d.readOutput<string, number>('route-rest')).map((r) => r.value)).toEqual([5]);
    d.close();
  });

  it('describe() prints sources, processors, sinks, stores and changelog topics', () => {
    const b = new StreamsBuilder();
    b.stream('telemetry.temp', { keySerde: str, valueSerde: num }, 'readings')
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000))
      .count(Materialized.as('count-1m'))
      .suppress(Suppressed.untilWindowCloses())
      .toStream()
      .to('telemetry.temp.count.1m', { keySerde: Serdes.windowed(str), valueSerde: Serdes.float64(), name: 'write' });
    const text = b.build().describe('agg');
    expect(text).toContain('Source: readings (topics: [telemetry.temp])');
    expect(text).toContain(
      'Processor: count-1m (stores: [count-1m]) window-aggregate TimeWindows(tumbling size=60000ms grace=5000ms)',
    );
    expect(text).toContain('Sink: write (topic: telemetry.temp.count.1m)');
    expect(text).toContain('count-1m (window, retention 65000 ms, changelog agg-count-1m-changelog)');
  });

  it('rejects duplicate step names, reserved names and suppress after toStream', () => {
    const b = new StreamsBuilder();
    const s = b.stream('in', { keySerde: str, valueSerde: num }, 'src');
    s.filter(() => true, 'f');
    expect(() => s.filter(() => true, 'f')).toThrow(/topology.f/);
    expect(() => s.filter(() => true, '__x')).toThrow(/reserved/);
    const t = s.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count(Materialized.as('c'));
    t.toStream();
    expect(() => t.suppress(Suppressed.untilWindowCloses())).toThrow(/suppress/);
  });

  it('a non-windowed aggregate needs a retention and emits every update', async () => {
    const b = new StreamsBuilder();
    const g = b.stream('in', { keySerde: str, valueSerde: num }).groupByKey();
    expect(() => g.count(Materialized.as('n'))).toThrow(/materialized.n.retentionMs/);
    g.reduce((a, v) => a + v, Materialized.as<string, number>('sum').withRetention(1_000))
      .toStream()
      .to('out', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    await d.pipeInput('in', 'a', 1, 10);
    await d.pipeInput('in', 'a', 2, 20);
    await d.pipeInput('in', 'b', 5, 2_000); // a expires: not updated for 1_000 ms of stream time
    expect((await d.readOutput<string, number>('out')).map((r) => r.value)).toEqual([1, 3, 5]);
    expect([...d.getKeyValueStore<string, number>('sum').all()]).toEqual([['b', 5]]);
    d.close();
  });
});
