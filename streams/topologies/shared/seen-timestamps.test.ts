import { describe, expect, it } from 'vitest';
import { observeTimestamp, type SeenTimestamps, seenTimestampsSerde } from './seen-timestamps.js';

describe('observeTimestamp', () => {
  it('adds new times in order, answers duplicate for a time seen, leaves the set unchanged then', () => {
    const seen: SeenTimestamps = [];
    expect(observeTimestamp(seen, 5_000, 60_000)).toBe('new');
    expect(observeTimestamp(seen, 1_000, 60_000)).toBe('new');
    expect(observeTimestamp(seen, 3_000, 60_000)).toBe('new');
    expect(observeTimestamp(seen, 3_000, 60_000)).toBe('duplicate');
    expect(seen).toEqual([1_000, 3_000, 5_000]);
  });

  it('prunes times at or before (latest - horizon) and lets older readings pass without an entry', () => {
    const seen: SeenTimestamps = [0, 10_000, 20_000];
    expect(observeTimestamp(seen, 70_000, 60_000)).toBe('new');
    expect(seen).toEqual([20_000, 70_000]);
    expect(observeTimestamp(seen, 10_000, 60_000)).toBe('beyond-horizon');
    expect(observeTimestamp(seen, 10_001, 60_000)).toBe('new');
    expect(seen).toEqual([10_001, 20_000, 70_000]);
  });

  it('stays within horizon / interval entries over a long series', () => {
    const seen: SeenTimestamps = [];
    for (let i = 0; i < 10_000; i++) observeTimestamp(seen, i * 10_000, 3_720_000);
    expect(seen).toHaveLength(372);
  });
});

describe('seenTimestampsSerde', () => {
  it('round-trips, 2 bytes per 10 s delta', () => {
    const seen = Array.from({ length: 100 }, (_, i) => 1_767_225_600_000 + i * 10_000);
    const bytes = seenTimestampsSerde.serialize(seen, 't') ?? Buffer.alloc(0);
    expect(bytes.length).toBe(1 + 1 + 8 + 99 * 2);
    expect(seenTimestampsSerde.deserialize(bytes, 't')).toEqual(seen);
    expect(seenTimestampsSerde.deserialize(seenTimestampsSerde.serialize([], 't'), 't')).toEqual([]);
  });

  it('refuses an unknown version and trailing bytes with coded errors', () => {
    const bytes = seenTimestampsSerde.serialize([1, 2], 't') ?? Buffer.alloc(0);
    expect(() => seenTimestampsSerde.deserialize(Buffer.from([9, ...bytes.subarray(1)]), 't')).toThrow(/version 9/);
    expect(() => seenTimestampsSerde.deserialize(Buffer.concat([bytes, Buffer.from([0])]), 't')).toThrow(/trailing/);
  });
});
