import { describe, expect, it } from 'vitest';
import { hourBucket } from '../../lib/archive/layout.js';
import { OpenFiles } from './open-files.js';

const tp = { topic: 't', partition: 0 };
const h8 = hourBucket(Date.UTC(2026, 11, 3, 8));
const h9 = hourBucket(Date.UTC(2026, 11, 3, 9));
const row = (offset: number) => ({ value: { v: offset }, offset: BigInt(offset) });

describe('OpenFiles', () => {
  it('keeps one file per partition and hour, and closes it at maxRecords', () => {
    const files = new OpenFiles({ maxRecords: 2, maxBytes: 1e9, intervalMs: 60_000 }, 1000);
    expect(files.add(tp, h8, 1, row(0), 10, 0)).toEqual([]);
    expect(files.add(tp, h9, 1, row(1), 10, 0)).toEqual([]);
    const closed = files.add(tp, h8, 1, row(2), 10, 0);
    expect(closed.map((f) => [f.bucket.dir, f.rows.map((r) => r.offset), f.reason])).toEqual([
      [h8.dir, [0n, 2n], 'records'],
    ]);
    expect(files.lowestOpenOffset(tp)).toBe(1n);
    expect(files.bufferedRecords).toBe(1);
  });

  it('starts a new file when the schema id changes', () => {
    const files = new OpenFiles({ maxRecords: 100, maxBytes: 1e9, intervalMs: 60_000 }, 1000);
    files.add(tp, h8, 1, row(0), 10, 0);
    const closed = files.add(tp, h8, 2, row(1), 10, 0);
    expect(closed.map((f) => [f.schemaId, f.reason, f.rows.length])).toEqual([[1, 'schema', 1]]);
    expect(files.lowestOpenOffset(tp)).toBe(1n);
  });

  it('closes on bytes, and the largest file past the memory bound', () => {
    const files = new OpenFiles({ maxRecords: 100, maxBytes: 25, intervalMs: 60_000 }, 3);
    files.add(tp, h8, 1, row(0), 10, 0);
    files.add(tp, h8, 1, row(1), 10, 0);
    expect(files.add(tp, h8, 1, row(2), 10, 0)[0]?.reason).toBe('bytes');
    files.add(tp, h8, 1, row(3), 1, 0);
    files.add(tp, h8, 1, row(4), 1, 0);
    files.add(tp, h9, 1, row(5), 1, 0);
    const closed = files.add(tp, h9, 1, row(6), 1, 0);
    expect(closed.map((f) => [f.bucket.dir, f.reason])).toEqual([[h8.dir, 'memory']]);
  });

  it('time rotation closes files with no new input; drop forgets revoked partitions', () => {
    const files = new OpenFiles({ maxRecords: 100, maxBytes: 1e9, intervalMs: 1000 }, 1000);
    files.add(tp, h8, 1, row(0), 10, 0);
    files.add({ topic: 't', partition: 1 }, h8, 1, row(0), 10, 500);
    expect(files.due(999)).toEqual([]);
    expect(files.due(1000).map((f) => [f.partition, f.reason])).toEqual([[0, 'time']]);
    expect(files.drop([{ topic: 't', partition: 1 }])).toBe(1);
    expect(files.openCount).toBe(0);
    expect(files.lowestOpenOffset(tp)).toBeUndefined();
  });
});
