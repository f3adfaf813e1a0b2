import { describe, expect, it } from 'vitest';
import {
  addReading,
  mergeAccumulators,
  newWindowAccumulator,
  toWindowResult,
  type WindowAccumulator,
  windowAccumulatorSerde,
} from './window-accumulator.js';

const names = ['temperature', 'humidity'];
const route = { type: 'environment', tags: { floor: '2' }, fieldOrder: names };
const window = { start: 0, end: 60_000 };

function acc(readings: [number, string, number | null, number | null][]): WindowAccumulator {
  const a = newWindowAccumulator();
  for (const [ts, site, t, h] of readings) addReading(a, names, { ts, site, values: [t, h] }, true);
  return a;
}

describe('window accumulator', () => {
  it('counts readings (nulls included), keeps the site of the latest reading, stats per non-null field', () => {
    const a = acc([
      [3_000, 'b', 21, null],
      [1_000, 'a', 19, null],
      [2_000, 'c', null, null],
    ]);
    const r = toWindowResult('dev-1', window, a, route);
    expect(r).toMatchObject({
      deviceId: 'dev-1',
      type: 'environment',
      site: 'b',
      count: 3,
      windowStart: 0,
      windowEnd: 60_000,
    });
    expect(Object.keys(r.fields)).toEqual(['temperature']);
    expect(r.fields.temperature).toMatchObject({ count: 2, sum: 40, mean: 20, stddev: 1, first: 19, last: 21 });
  });

  it('merge equals one accumulator fed both parts', () => {
    const parts: [number, string, number | null, number | null][] = [
      [1_000, 'a', 1, 10],
      [5_000, 'a', 2, null],
      [2_000, 'b', 3, 30],
      [4_000, 'b', null, 40],
    ];
    const whole = toWindowResult('d', window, acc(parts), route);
    const merged = toWindowResult('d', window, mergeAccumulators(acc(parts.slice(0, 2)), acc(parts.slice(2))), route);
    // Chan's merge and Welford's one pass round differently in the last bit of M2.
    for (const name of names) {
      expect(merged.fields[name]?.stddev).toBeCloseTo(whole.fields[name]?.stddev as number, 12);
      for (const r of [merged, whole]) (r.fields[name] as { stddev: number }).stddev = 0;
    }
    expect(merged).toEqual(whole);
  });

  it('round-trips through its store serde, field order kept', () => {
    const a = acc([
      [1_000, 'lab', 21.25, 40.5],
      [2_000, 'lab', -3, null],
    ]);
    const bytes = windowAccumulatorSerde.serialize(a, 't');
    const back = windowAccumulatorSerde.deserialize(bytes, 't');
    expect(toWindowResult('d', window, back, route)).toEqual(toWindowResult('d', window, a, route));
    expect([...back.fields.keys()]).toEqual(['temperature', 'humidity']);
  });

  it('refuses corrupt state with a coded error', () => {
    const bytes = windowAccumulatorSerde.serialize(acc([[1, 's', 1, 1]]), 't') as Buffer;
    expect(() => windowAccumulatorSerde.deserialize(bytes.subarray(0, bytes.length - 3), 't')).toThrow(/truncated/);
    const wrong = Buffer.from(bytes);
    wrong[0] = 9;
    expect(() => windowAccumulatorSerde.deserialize(wrong, 't')).toThrow(/unknown version 9/);
  });
});
