import { describe, expect, it } from 'vitest';
import { copartitionedAssignment } from './copartitioned-assignment.js';

describe('copartitionedAssignment', () => {
  it('gives every topic partition p to the same member', () => {
    const out = copartitionedAssignment(
      ['m2', 'm1'],
      new Map([
        ['readings', 4],
        ['devices', 4],
        ['app-repartition', 4],
      ]),
    );
    expect(out).toEqual({
      m1: { 'app-repartition': [0, 2], devices: [0, 2], readings: [0, 2] },
      m2: { 'app-repartition': [1, 3], devices: [1, 3], readings: [1, 3] },
    });
  });

  it('assigns every partition exactly once, whatever the counts', () => {
    const counts = new Map([
      ['a', 3],
      ['b', 5],
      ['c', 1],
    ]);
    const out = copartitionedAssignment(['x', 'y', 'z'], counts);
    for (const [topic, n] of counts) {
      const got = Object.values(out)
        .flatMap((t) => t[topic] ?? [])
        .sort((p, q) => p - q);
      expect(got, topic).toEqual([...Array(n).keys()]);
    }
  });

  it('is the same whatever order the members come in (every leader agrees)', () => {
    const counts = new Map([['a', 6]]);
    expect(copartitionedAssignment(['c', 'a', 'b'], counts)).toEqual(copartitionedAssignment(['b', 'c', 'a'], counts));
  });

  it('leaves members beyond the partition count idle, and handles no members', () => {
    expect(copartitionedAssignment(['a', 'b', 'c'], new Map([['t', 2]]))).toEqual({
      a: { t: [0] },
      b: { t: [1] },
      c: {},
    });
    expect(copartitionedAssignment([], new Map([['t', 2]]))).toEqual({});
  });
});
