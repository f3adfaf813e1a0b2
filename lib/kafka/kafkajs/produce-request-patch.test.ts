import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs' own produce request v3 (used by v3-v7) and record batch decoder (patches/kafkajs+2.2.4.patch:
// a send's smallest and largest timestamps found in one pass, no copy of each message).
const require = createRequire(import.meta.url);
const Decoder = require('kafkajs/src/protocol/decoder.js');
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (args: object) => {
  encode(): Promise<{ buffer: Buffer }>;
};
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{
  firstTimestamp: string;
  maxTimestamp: string;
  records: Array<{ key: Buffer; value: Buffer; timestamp: string; offset: string; headers: Record<string, Buffer> }>;
}>;

async function roundTrip(messages: Array<{ key: string; value: string; timestamp?: string; headers?: object }>) {
  const encoded = await produceV3({
    acks: -1,
    timeout: 30000,
    topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: 0, messages }] }],
  }).encode();
  const d = new Decoder(encoded.buffer);
  d.readString(); // transactional id
  d.readInt16(); // acks
  d.readInt32(); // timeout
  d.readInt32(); // topics
  d.readString(); // topic
  d.readInt32(); // partitions
  d.readInt32(); // partition
  const size = d.readInt32();
  // The record batch as a fetch response carries it: base offset first.
  const batch = new Decoder(d.buffer.subarray(d.offset, d.offset + size));
  return decodeBatch(batch);
}

describe('kafkajs produce request v3 (patched: timestamps in one pass)', () => {
  it('is the patched version', () => {
    expect(readFileSync(require.resolve('kafkajs/src/protocol/requests/produce/v3/request.js'), 'utf8')).toContain(
      'in one pass',
    );
  });

  it('first and max timestamps are the smallest and largest; each record keeps its own timestamp, key, value and headers', async () => {
    const batch = await roundTrip([
      { key: 'a', value: 'A', timestamp: '1764748800300', headers: { h: 'x' } },
      { key: 'b', value: 'B', timestamp: '1764748800100' },
      { key: 'c', value: 'C', timestamp: '1764748800200' },
    ]);
    expect(batch.firstTimestamp).toBe('1764748800100');
    expect(batch.maxTimestamp).toBe('1764748800300');
    expect(batch.records.map((r) => [r.key.toString(), r.value.toString(), r.timestamp, r.offset])).toEqual([
      ['a', 'A', '1764748800300', '0'],
      ['b', 'B', '1764748800100', '1'],
      ['c', 'C', '1764748800200', '2'],
    ]);
    expect(batch.records[0]?.headers.h?.toString()).toBe('x');
  });

  it('messages without a timestamp take the send time', async () => {
    const before = Date.now();
    const batch = await roundTrip([{ key: 'a', value: 'A' }]);
    expect(Number(batch.firstTimestamp)).toBeGreaterThanOrEqual(before);
    expect(batch.records[0]?.timestamp).toBe(batch.firstTimestamp);
  });
});
