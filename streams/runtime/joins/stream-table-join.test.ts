import { describe, expect, it } from 'vitest';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import { StreamsBuilder } from '../dsl/streams-builder.js';
import { Materialized } from '../materialized.js';
import { type Serde, Serdes } from '../serde.js';
import { nullableJson, nullableString } from './join-test-serdes.js';

const str = Serdes.string();
const val = nullableJson<string>();

function topology(kind: 'join' | 'leftJoin') {
  const b = new StreamsBuilder();
  const table = b.table('right', { keySerde: str, valueSerde: Serdes.json<string>() }, Materialized.as('right-table'));
  const stream = b.stream('left', { keySerde: nullableString(), valueSerde: val }, 'left-source');
  const joined =
    kind === 'join'
      ? stream.join(table, (v, t) => `${v}-${t}`, 'joined')
      : stream.leftJoin(table, (v, t) => `${v}-${t ?? 'null'}`, 'joined');
  joined.to('out', { keySerde: nullableString(), valueSerde: Serdes.json<string>() });
  return b.build();
}

type Step = readonly [ts: number, side: 'left' | 'right', value: string | null];

/**
 * Kafka Streams' KStream-KTable semantics table (docs: "KStream-KTable Join"), one key, rows 1-15.
 * A null stream value is skipped by Kafka Streams (dropped-records metric); here it is dead-lettered.
 */
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

async function run(kind: 'join' | 'leftJoin') {
  const d = new TopologyTestDriver(topology(kind));
  for (const [ts, side, value] of TABLE) {
    if (side === 'left') await d.pipeInput('left', 'k', value, ts);
    else if (value === null) await d.pipeRaw('right', Buffer.from('k'), null, ts);
    else await d.pipeInput('right', 'k', value, ts);
  }
  const out = (await d.readOutput<string, string>('out')).map((r) => `${r.timestamp}:${r.value}`);
  const dlq = d.readRawOutput(d.dlqTopic).map((r) => `${r.headers['source.offset']}:${r.headers['error.code']}`);
  d.close();
  return { out, dlq };
}

describe('KStream-KTable join (Kafka Streams semantics table)', () => {
  it('inner join: only stream records with a table row produce output, with the stream timestamp', async () => {
    const { out, dlq } = await run('join');
    expect(out).toEqual(['5:B-a', '15:D-d']);
    // rows 1, 7, 11: the null stream values (offsets 0, 3, 5 of the stream topic)
    expect(dlq).toEqual(['0:STREAMS_JOIN_NULL_VALUE', '3:STREAMS_JOIN_NULL_VALUE', '5:STREAMS_JOIN_NULL_VALUE']);
  });

  it('left join: a stream record with no row (never set, or deleted by a tombstone) is joined with null', async () => {
    const { out, dlq } = await run('leftJoin');
    expect(out).toEqual(['3:A-null', '5:B-a', '9:C-null', '13:D-null', '15:D-d']);
    expect(dlq).toHaveLength(3);
  });

  it('null keys: the inner join dead-letters the record, the left join joins it with null (Kafka Streams 3.7+)', async () => {
    for (const kind of ['join', 'leftJoin'] as const) {
      const d = new TopologyTestDriver(topology(kind));
      await d.pipeInput('right', 'k', 'a', 1);
      await d.pipeInput('left', null, 'X', 2);
      const out = (await d.readOutput<string | null, string>('out')).map((r) => [r.key, r.value]);
      const dlq = d.readRawOutput(d.dlqTopic).map((r) => r.headers['error.code']);
      if (kind === 'join') {
        expect(out).toEqual([]);
        expect(dlq).toEqual(['STREAMS_JOIN_NULL_KEY']);
      } else {
        expect(out).toEqual([[null, 'X-null']]);
        expect(dlq).toEqual([]);
      }
      d.close();
    }
  });

  it('out-of-order table updates: the latest in offset order wins, whatever its timestamp (non-versioned table)', async () => {
    const d = new TopologyTestDriver(topology('join'));
    await d.pipeInput('right', 'k', 'new', 20);
    await d.pipeInput('right', 'k', 'old', 10); // older timestamp, later offset: replaces the row
    await d.pipeInput('left', 'k', 'X', 30);
    await d.pipeInput('left', 'k', 'Y', 5); // a stream record older than both updates sees the current row
    expect((await d.readOutput<string, string>('out')).map((r) => `${r.timestamp}:${r.value}`)).toEqual([
      '30:X-old',
      '5:Y-old',
    ]);
    expect(d.getKeyValueStore<string, string>('right-table').get('k')).toBe('old');
    d.close();
  });

  it('table updates only change the row: they emit nothing, and the next stream record sees them', async () => {
    const d = new TopologyTestDriver(topology('join'));
    await d.pipeInput('left', 'k', 'before', 1);
    await d.pipeInput('right', 'k', 'a', 2);
    expect(await d.readOutput('out')).toEqual([]);
    await d.pipeInput('left', 'k', 'after', 3);
    expect((await d.readOutput<string, string>('out')).map((r) => r.value)).toEqual(['after-a']);
    d.close();
  });

  it('the table is restored from its changelog after a restart (rows and deletions)', async () => {
    const d = new TopologyTestDriver(topology('join'));
    await d.pipeInput('right', 'a', 'row-a', 1);
    await d.pipeInput('right', 'b', 'row-b', 2);
    await d.pipeRaw('right', Buffer.from('b'), null, 3);
    d.restart();
    await d.pipeInput('left', 'a', 'x', 4);
    await d.pipeInput('left', 'b', 'y', 5);
    expect((await d.readOutput<string, string>('out')).map((r) => `${r.key}:${r.value}`)).toEqual(['a:x-row-a']);
    expect([...d.getKeyValueStore<string, string>('right-table').all()]).toEqual([['a', 'row-a']]);
    d.close();
  });

  it('the table changelog stream (toStream) carries updates and tombstones', async () => {
    const b = new StreamsBuilder();
    b.table('right', { keySerde: str, valueSerde: Serdes.json<string>() }, Materialized.as('t'))
      .toStream()
      // a table's changelog stream carries tombstones: a serde that writes null values
      .to('changes', { keySerde: str, valueSerde: val as Serde<string> });
    const d = new TopologyTestDriver(b.build());
    await d.pipeInput('right', 'k', 'a', 1);
    await d.pipeRaw('right', Buffer.from('k'), null, 2);
    expect((await d.readOutput<string, string | null>('changes')).map((r) => r.value)).toEqual(['a', null]);
    d.close();
  });
});
