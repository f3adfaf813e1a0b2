import { describe, expect, it } from 'vitest';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import { StreamsBuilder } from '../dsl/streams-builder.js';
import { Serdes } from '../serde.js';
import { JoinWindows } from '../windows/join-windows.js';
import { nullableJson } from './join-test-serdes.js';

const str = Serdes.string();
const val = nullableJson<string>();

function topology(windows: JoinWindows) {
  const b = new StreamsBuilder();
  const left = b.stream('left', { keySerde: str, valueSerde: val }, 'left-source');
  const right = b.stream('right', { keySerde: str, valueSerde: val }, 'right-source');
  left
    .join(right, (l, r) => `${l}-${r}`, windows, { name: 'joined', keySerde: str })
    .to('out', { keySerde: str, valueSerde: Serdes.json<string>() });
  return b.build();
}

async function values(d: TopologyTestDriver): Promise<string[]> {
  return (await d.readOutput<string, string>('out')).map((r) => `${r.timestamp}:${r.value}`);
}

type Step = readonly [ts: number, side: 'left' | 'right', value: string | null];

/** Kafka Streams' KStream-KStream semantics table (docs: "KStream-KStream Join"), all in one window. */
const TABLE: readonly Step[] = [
  [1, 'left', null],
  [2, 'right', null],
  [3, 'left', 'A'],
  [4, 'right', 'a'],
  [5, 'left', 'B'],
  [6, 'right', 'b'],
  [7, 'left', null],
  [8, 'right', null],
  [9, 'left', 'C'],
  [10, 'right', 'c'],
  [11, 'left', null],
  [12, 'right', null],
  [13, 'left', 'D'],
  [14, 'right', 'd'],
  [15, 'left', 'D'],
];

describe('KStream-KStream windowed inner join', () => {
  it('follows the Kafka Streams semantics table: every pair in the window, result time the later one', async () => {
    const d = new TopologyTestDriver(topology(JoinWindows.ofTimeDifferenceAndGrace(100, 0)));
    for (const [ts, side, value] of TABLE) await d.pipeInput(side, 'k', value, ts);
    expect(await values(d)).toEqual([
      '4:A-a',
      '5:B-a',
      '6:A-b',
      '6:B-b',
      '9:C-a',
      '9:C-b',
      '10:A-c',
      '10:B-c',
      '10:C-c',
      '13:D-a',
      '13:D-b',
      '13:D-c',
      '14:A-d',
      '14:B-d',
      '14:C-d',
      '14:D-d',
      '15:D-a',
      '15:D-b',
      '15:D-c',
      '15:D-d',
    ]);
    // the six null values are dead letters (Kafka Streams drops them with its dropped-records metric)
    expect(d.readRawOutput(d.dlqTopic).map((r) => r.headers['error.code'])).toEqual(
      Array(6).fill('STREAMS_JOIN_NULL_VALUE'),
    );
    d.close();
  });

  it('window bounds are inclusive: [t - before, t + after], swapped for the other side', async () => {
    const d = new TopologyTestDriver(topology(JoinWindows.ofTimeDifferenceAndGrace(10, 1_000).after(2)));
    await d.pipeInput('left', 'k', 'L', 100);
    for (const ts of [89, 90, 95, 102, 103]) await d.pipeInput('right', 'k', `r${ts}`, ts);
    expect(await values(d)).toEqual(['100:L-r90', '100:L-r95', '102:L-r102']);
    // a left record at 92 joins right records at [82, 94]: 89 and 90
    await d.pipeInput('left', 'k', 'M', 92);
    expect(await values(d)).toEqual(['92:M-r89', '92:M-r90']);
    d.close();
  });

  it('only equal keys join', async () => {
    const d = new TopologyTestDriver(topology(JoinWindows.ofTimeDifferenceWithNoGrace(10)));
    await d.pipeInput('left', 'a', 'L', 1);
    await d.pipeInput('right', 'b', 'R', 1);
    expect(await values(d)).toEqual([]);
    d.close();
  });

  it('grace: a record older than size + grace of stream time is late (late topic, not kept) but joins what the other side still keeps', async () => {
    // size 20 (10 before, 10 after) + grace 5: the stores keep timestamps > streamTime - 25
    const d = new TopologyTestDriver(topology(JoinWindows.ofTimeDifferenceAndGrace(10, 5)));
    await d.pipeInput('left', 'k', 'L80', 80);
    await d.pipeInput('left', 'k', 'L100', 100); // stream time 100: kept are timestamps >= 76
    await d.pipeInput('right', 'k', 'R76', 76); // in time: joins L80 ([66, 86])
    expect(await values(d)).toEqual(['80:L80-R76']);
    await d.pipeInput('right', 'k', 'R75', 75); // late: joins L80 ([65, 85]) but is not kept
    expect(await values(d)).toEqual(['80:L80-R75']);
    const late = d.readRawOutput(d.lateTopic);
    expect(late.map((r) => [r.headers['late.step'], r.headers['late.stream.time']])).toEqual([
      ['joined-other-join', '100'],
    ]);
    await d.pipeInput('left', 'k', 'L85', 85); // joins R76 (kept) but not R75 (late, never kept)
    expect(await values(d)).toEqual(['85:L85-R76']);
    d.close();
  });

  it('records expire with stream time: after size + grace a record no longer joins', async () => {
    const d = new TopologyTestDriver(topology(JoinWindows.ofTimeDifferenceAndGrace(10, 0)));
    await d.pipeInput('left', 'k', 'L0', 100);
    await d.pipeInput('right', 'k', 'far', 200); // stream time 200: L0 (100) is older than 20 ms
    await d.pipeInput('right', 'k', 'R', 105); // would join L0 by bounds, but it is late and L0 is gone
    expect(await values(d)).toEqual([]);
    expect(d.readRawOutput(d.lateTopic)).toHaveLength(1);
    d.close();
  });

  it('both join stores are restored after a restart, duplicates at one timestamp included', async () => {
    const d = new TopologyTestDriver(topology(JoinWindows.ofTimeDifferenceAndGrace(10, 0)));
    await d.pipeInput('left', 'k', 'A', 5);
    await d.pipeInput('left', 'k', 'B', 5);
    d.restart();
    await d.pipeInput('right', 'k', 'r', 6);
    expect(await values(d)).toEqual(['6:A-r', '6:B-r']);
    d.close();
  });

  it('JoinWindows refuses negative sizes and describes itself', () => {
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow(/joinWindows.timeDifference/);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(5).after(-6)).toThrow(/before \+ after/);
    const w = JoinWindows.ofTimeDifferenceAndGrace(5, 2).before(1);
    expect(w.describe()).toBe('JoinWindows(before=1ms after=5ms grace=2ms)');
    expect(w.reverse().describe()).toBe('JoinWindows(before=5ms after=1ms grace=2ms)');
    expect(w.retentionMs()).toBe(8);
  });
});
