import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../lib/kafka/types.js';
import type { Point } from './point.js';
import { type BufferedRecord, commitOffsets, SinkBuffer } from './sink-buffer.js';

function entry(topic: string, partition: number, offset: number, points: number, addedAt: number): BufferedRecord {
  const record: ConsumedRecord = {
    topic,
    partition,
    offset: String(offset),
    key: null,
    value: null,
    timestamp: 0,
    headers: {},
  };
  const ps: Point[] = Array.from({ length: points }, (_, i) => ({
    measurement: 'm',
    tags: {},
    fields: { v: { kind: 'float', value: i } },
    timestampMs: offset,
  }));
  return { record, points: ps, lines: ps.map((_, i) => `${topic}/${partition}/${offset}/${i}`), addedAt };
}

describe('SinkBuffer', () => {
  it('is due when a full batch waits, or when the oldest record lingered long enough', () => {
    const buffer = new SinkBuffer({ maxBatchPoints: 3, lingerMs: 100, maxBufferedPoints: 10 });
    expect(buffer.due(0)).toBe(false);
    buffer.add([entry('t', 0, 0, 1, 1000)]);
    expect(buffer.due(1099)).toBe(false);
    expect(buffer.lingerDeadline()).toBe(1100);
    expect(buffer.due(1100)).toBe(true);
    buffer.add([entry('t', 0, 1, 2, 1050)]);
    expect(buffer.due(1001)).toBe(true);
  });

  it('takes the oldest records up to the batch size, never splitting a record', () => {
    const buffer = new SinkBuffer({ maxBatchPoints: 3, lingerMs: 100, maxBufferedPoints: 100 });
    buffer.add([entry('t', 0, 0, 2, 0), entry('t', 0, 1, 2, 0), entry('t', 1, 0, 1, 0)]);
    const first = buffer.take();
    expect(first.lines).toEqual(['t/0/0/0', 't/0/0/1']);
    expect(buffer.pointCount).toBe(3);
    const second = buffer.take();
    expect(second.lines).toEqual(['t/0/1/0', 't/0/1/1', 't/1/0/0']);
    expect(buffer.recordCount).toBe(0);
    expect(buffer.take().entries).toEqual([]);
  });

  it('a record bigger than a batch goes alone', () => {
    const buffer = new SinkBuffer({ maxBatchPoints: 2, lingerMs: 100, maxBufferedPoints: 100 });
    buffer.add([entry('t', 0, 0, 5, 0), entry('t', 0, 1, 1, 0)]);
    expect(buffer.take().points).toHaveLength(5);
    expect(buffer.take().points).toHaveLength(1);
  });

  it('dead-lettered records (no points) keep their place so offsets commit in order', () => {
    const buffer = new SinkBuffer({ maxBatchPoints: 10, lingerMs: 0, maxBufferedPoints: 100 });
    buffer.add([entry('t', 0, 5, 1, 0), entry('t', 0, 6, 0, 0), entry('t', 0, 7, 1, 0)]);
    expect(buffer.recordCount).toBe(3);
    expect(buffer.pointCount).toBe(2);
    const batch = buffer.take();
    expect(batch.entries.map((e) => e.record.offset)).toEqual(['5', '6', '7']);
    expect(commitOffsets(batch.entries)).toEqual([{ topic: 't', partition: 0, offset: '8' }]);
  });

  it('never drops: add goes past the bound, isFull tells the caller to pause', () => {
    const buffer = new SinkBuffer({ maxBatchPoints: 2, lingerMs: 10, maxBufferedPoints: 4 });
    buffer.add([entry('t', 0, 0, 3, 0)]);
    expect(buffer.isFull()).toBe(false);
    buffer.add([entry('t', 0, 1, 3, 0)]);
    expect(buffer.isFull()).toBe(true);
    expect(buffer.pointCount).toBe(6);
    expect(buffer.canResume()).toBe(false);
    buffer.take();
    expect(buffer.isFull()).toBe(false);
    expect(buffer.canResume()).toBe(false);
    buffer.take();
    expect(buffer.canResume()).toBe(true);
  });

  it('drops revoked partitions only', () => {
    const buffer = new SinkBuffer();
    buffer.add([entry('t', 0, 0, 1, 0), entry('t', 1, 0, 2, 0), entry('u', 0, 0, 1, 0), entry('t', 1, 1, 1, 0)]);
    expect(buffer.dropPartitions([{ topic: 't', partition: 1 }])).toBe(2);
    expect(buffer.pointCount).toBe(2);
    expect(buffer.take().lines).toEqual(['t/0/0/0', 'u/0/0/0']);
  });

  it('keeps a long FIFO consistent across many takes', () => {
    const buffer = new SinkBuffer({ maxBatchPoints: 7, lingerMs: 0, maxBufferedPoints: 1e9 });
    buffer.add(Array.from({ length: 5000 }, (_, i) => entry('t', i % 3, Math.floor(i / 3), 1, 0)));
    const seen: string[] = [];
    while (buffer.recordCount > 0) seen.push(...buffer.take().lines);
    expect(seen).toHaveLength(5000);
    expect(seen[4999]).toBe(`t/${4999 % 3}/${Math.floor(4999 / 3)}/0`);
  });
});

describe('commitOffsets', () => {
  it('commits the offset after the last record of each partition', () => {
    const entries = [entry('t', 0, 9, 1, 0), entry('t', 1, 3, 1, 0), entry('t', 0, 10, 1, 0), entry('u', 0, 99, 1, 0)];
    expect(commitOffsets(entries)).toEqual([
      { topic: 't', partition: 0, offset: '11' },
      { topic: 't', partition: 1, offset: '4' },
      { topic: 'u', partition: 0, offset: '100' },
    ]);
  });

  it('uses the batch nextOffset carried by the last record of a fetch (past transaction markers)', () => {
    const last = { ...entry('t', 0, 10, 1, 0), commitOffset: '12' };
    expect(commitOffsets([entry('t', 0, 9, 1, 0), last])).toEqual([{ topic: 't', partition: 0, offset: '12' }]);
  });
});
