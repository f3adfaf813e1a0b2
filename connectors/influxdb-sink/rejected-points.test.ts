import { describe, expect, it } from 'vitest';
import { encodePoint } from './line-protocol.js';
import type { FieldValue, Point } from './point.js';
import { findRejected } from './rejected-points.js';

const f = (value: number): FieldValue => ({ kind: 'float', value });
const i = (value: number): FieldValue => ({ kind: 'integer', value });
const p = (
  measurement: string,
  fields: Record<string, FieldValue>,
  tags: Record<string, string> = { d: 'a' },
): Point => ({
  measurement,
  tags,
  fields,
  timestampMs: 1000,
});

describe('findRejected', () => {
  const points = [
    p('m', { v: i(1) }),
    p('m', { v: f(2.5) }),
    p('other', { v: f(2.5) }),
    p('m', { u: f(1), v: f(3) }),
    p('m', { u: f(1) }),
  ];
  const lines = points.map(encodePoint);

  it('names the points of a field type conflict (text of InfluxDB 1.8.10)', () => {
    const message =
      'partial write: field type conflict: input field "v" on measurement "m" is type float, already exists as type integer dropped=2';
    expect(findRejected(points, lines, message)).toEqual([1, 3]);
  });

  it('reads the conflict inside InfluxDB 2.x wording too', () => {
    const message =
      'failure writing points to database: partial write: field type conflict: input field "v" on measurement "other" is type float, already exists as type integer dropped=1';
    expect(findRejected(points, lines, message)).toEqual([2]);
  });

  it('handles hostile names in the message', () => {
    const hostile = [p('env, "x"', { 'temp °C': f(1) }), p('env, "x"', { 'temp °C': i(1) })];
    const message =
      'partial write: field type conflict: input field "temp °C" on measurement "env, "x"" is type integer, already exists as type float dropped=1';
    expect(findRejected(hostile, hostile.map(encodePoint), message)).toEqual([1]);
  });

  it('names unparseable lines, one or many', () => {
    const withBad = [...lines.slice(0, 2), 'bad one', lines[3] ?? '', 'bad two x'];
    const message =
      "partial write: unable to parse 'bad one': invalid field format\nunable to parse 'bad two x': invalid field format dropped=0";
    expect(findRejected(points, withBad, message)).toEqual([2, 4]);
  });

  it('names points with a reserved field or tag key', () => {
    const reserved = [p('m', { time: f(1) }), p('m', { v: f(1) }), p('m', { v: f(1) }, { time: 'x' })];
    const lines2 = ['m time=1 1000', 'm v=1 1000', 'm,time=x v=1 1000'];
    expect(
      findRejected(
        reserved,
        lines2,
        'partial write: invalid field name: input field "time" on measurement "m" is invalid dropped=1',
      ),
    ).toEqual([0]);
    expect(
      findRejected(
        reserved,
        lines2,
        'partial write: invalid tag key: input tag "time" on measurement "m" is invalid dropped=1',
      ),
    ).toEqual([2]);
  });

  it('names nothing when InfluxDB does not say which (the caller splits the batch)', () => {
    expect(findRejected(points, lines, 'field type conflict')).toEqual([]);
    expect(findRejected(points, lines, 'partial write: points beyond retention policy dropped=3')).toEqual([]);
  });
});
