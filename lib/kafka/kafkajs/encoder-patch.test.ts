import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs' own encoder (patches/kafkajs+2.2.4.patch: buffers not zero-filled, only written bytes exposed).
const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long.js');
const Encoder = require('kafkajs/src/protocol/encoder.js');
const Decoder = require('kafkajs/src/protocol/decoder.js');
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: object) => {
  buffer: Buffer;
};
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as (
  decoder: unknown,
  context: object,
) => { key: Buffer; value: Buffer; headers: Record<string, Buffer> };

describe('kafkajs Encoder (patched: allocUnsafe)', () => {
  it('is the patched version', () => {
    expect(readFileSync(require.resolve('kafkajs/src/protocol/encoder.js'), 'utf8')).toContain('allocUnsafe');
  });

  it('exposes exactly the bytes written, across growth, whatever the pool held before', () => {
    // Dirty the pool so that unwritten bytes would show.
    for (let i = 0; i < 50; i++) Buffer.allocUnsafe(512).fill(0xaa);
    const e = new Encoder(3).writeInt8(1).writeInt32(0x01020304).writeVarIntString('héllo').writeInt64(5);
    expect([...e.buffer]).toEqual([1, 1, 2, 3, 4, 12, ...Buffer.from('héllo'), 0, 0, 0, 0, 0, 0, 0, 5]);
    expect(e.size()).toBe(e.buffer.length);
  });

  it('a record with headers decodes back to what was encoded', () => {
    for (let i = 0; i < 50; i++) Buffer.allocUnsafe(512).fill(0xaa);
    const headers = { 'mqtt.topic': 'sensors/lyon/d-1/environment', 'mqtt.qos': '1', 'iotp.ts_source': 'payload' };
    const encoded = encodeRecord({
      offsetDelta: 3,
      timestampDelta: Long.fromValue(17),
      key: Buffer.from('d-1'),
      value: Buffer.from([0, 0, 0, 0, 1, 2, 3]),
      headers,
    }).buffer;
    const outer = new Decoder(encoded);
    const record = decodeRecord(new Decoder(outer.readVarIntBytes()), {
      firstOffset: Long.fromValue(10),
      firstTimestamp: Long.fromValue(1000),
      magicByte: 2,
      timestampType: 0,
    });
    expect(record.key.toString()).toBe('d-1');
    expect([...record.value]).toEqual([0, 0, 0, 0, 1, 2, 3]);
    expect(Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, v.toString()]))).toEqual(headers);
  });
});
