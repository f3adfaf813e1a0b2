import { describe, expect, it } from 'vitest';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import { StreamsBuilder } from '../dsl/streams-builder.js';
import { Materialized } from '../materialized.js';
import { Serdes } from '../serde.js';
import { nullableJson } from './join-test-serdes.js';

const str = Serdes.string();

function topology() {
  const b = new StreamsBuilder();
  const left = b.table('left', { keySerde: str, valueSerde: Serdes.json<string>() }, Materialized.as('left-table'));
  const right = b.table('right', { keySerde: str, valueSerde: Serdes.json<string>() }, Materialized.as('right-table'));
  left
    .join(right, (l, r) => `${l}-${r}`, 'joined')
    .toStream()
    .to('out', { keySerde: str, valueSerde: nullableJson<string>() });
  return b.build();
}

type Step = readonly [ts: number, side: 'left' | 'right', value: string | null];

/** Kafka Streams' KTable-KTable semantics table (docs: "KTable-KTable Equi-Join"), one key. */
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

async function pipe(d: TopologyTestDriver, ts: number, side: 'left' | 'right', value: string | null, key = 'k') {
  if (value === null) await d.pipeRaw(side, Buffer.from(key), null, ts);
  else await d.pipeInput(side, key, value, ts);
}

describe('KTable-KTable inner join (Kafka Streams semantics table)', () => {
  it('an update on either side joins the other row; a deleted row with the other present is a tombstone', async () => {
    const d = new TopologyTestDriver(topology());
    for (const [ts, side, value] of TABLE) await pipe(d, ts, side, value);
    const out = (await d.readOutput<string, string | null>('out')).map((r) => `${r.timestamp}:${r.value}`);
    expect(out).toEqual(['4:A-a', '5:B-a', '6:B-b', '7:null', '10:C-c', '11:null', '14:D-d', '15:D-d']);
    expect(d.readRawOutput(d.dlqTopic)).toEqual([]);
    d.close();
  });

  it('the result timestamp is the later of the two rows, whichever side updated', async () => {
    const d = new TopologyTestDriver(topology());
    await pipe(d, 50, 'right', 'r');
    await pipe(d, 10, 'left', 'l'); // out of order: the result carries the right row's 50
    await pipe(d, 60, 'left', 'm');
    expect((await d.readOutput<string, string>('out')).map((r) => `${r.timestamp}:${r.value}`)).toEqual([
      '50:l-r',
      '60:m-r',
    ]);
    d.close();
  });

  it('keys join only with the same key, and both tables come back after a restart', async () => {
    const d = new TopologyTestDriver(topology());
    await pipe(d, 1, 'left', 'x', 'a');
    await pipe(d, 2, 'right', 'y', 'b');
    expect(await d.readOutput('out')).toEqual([]);
    d.restart();
    await pipe(d, 3, 'right', 'z', 'a');
    await pipe(d, 4, 'left', 'w', 'b');
    expect((await d.readOutput<string, string>('out')).map((r) => `${r.key}:${r.value}`)).toEqual(['a:x-z', 'b:w-y']);
    d.close();
  });

  it('a table that is not materialized cannot be joined', () => {
    const b = new StreamsBuilder();
    const t = b.table('left', { keySerde: str, valueSerde: Serdes.json<string>() }, Materialized.as('l'));
    const r = b.table('right', { keySerde: str, valueSerde: Serdes.json<string>() }, Materialized.as('r'));
    const joined = t.join(r, (x, y) => x + y, 'j1');
    expect(() => joined.join(r, (x, y) => `${x}${y}`, 'j2')).toThrow(/materialized table/);
  });
});
