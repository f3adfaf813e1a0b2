import { describe, expect, it } from 'vitest';
import { chunkRecords } from './chunk-records.js';
import type { ProducerRecord } from './types.js';

const rec = (n: number): ProducerRecord => ({
  topic: 't',
  key: Buffer.alloc(6),
  value: Buffer.alloc(n),
  timestamp: 0,
  headers: {},
});

describe('chunkRecords', () => {
  it('keeps order and bounds the bytes of each send', () => {
    const records = Array.from({ length: 100 }, (_, i) => rec(i === 50 ? 5_000 : 70));
    const chunks = chunkRecords(records, 1_000);
    expect(chunks.flat()).toEqual(records);
    for (const c of chunks)
      if (c.length > 1) expect(c.reduce((a, r) => a + 30 + (r.value?.length ?? 0), 0)).toBeLessThanOrEqual(1_000);
    expect(chunks.find((c) => c.includes(records[50] as ProducerRecord))).toHaveLength(1);
    expect(chunkRecords([])).toEqual([]);
  });
});
