import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs' own record encoder and decoder (patches/kafkajs+2.2.4.patch: offset and timestamp added
// in doubles when safe, through Long otherwise).
const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long.js');
const Decoder = require('kafkajs/src/protocol/decoder.js');
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: object) => {
  buffer: Buffer;
};
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as (
  decoder: unknown,
  context: object,
) => { offset: string; timestamp: string; key: Buffer; value: Buffer };

function roundTrip(firstOffset: string, firstTimestamp: string, offsetDelta: number, timestampDelta: number) {
  const encoded = encodeRecord({
    offsetDelta,
    timestampDelta: Long.fromValue(timestampDelta),
    key: Buffer.from('k'),
    value: Buffer.from('v'),
  }).buffer;
  const outer = new Decoder(encoded);
  const record = decodeRecord(new Decoder(outer.readVarIntBytes()), {
    firstOffset: Long.fromString(firstOffset),
    firstTimestamp: Long.fromString(firstTimestamp),
    magicByte: 2,
    timestampType: 0,
  });
  return { offset: record.offset, timestamp: record.timestamp };
}

describe('kafkajs record decoder (patched: offsets and timestamps without Long when safe)', () => {
  it('is the patched version', () => {
    expect(readFileSync(require.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js'), 'utf8')).toContain(
      'addToString',
    );
  });

  it('gives the digits Long gave, in the safe range and beyond it', () => {
    const cases: Array<[string, string, number, number]> = [
      ['0', '1700000000000', 0, 0],
      ['41', '1700000000000', 7, 1234],
      ['123456789012', '1764748800000', 4999, -20],
      ['9007199254740990', '1700000000000', 5, 1], // the sum passes 2^53: through Long
      ['9223372036854775800', '-1', 7, 0],
    ];
    for (const [offset, ts, dOffset, dTs] of cases) {
      expect(roundTrip(offset, ts, dOffset, dTs)).toEqual({
        offset: Long.fromString(offset).add(dOffset).toString(),
        timestamp: Long.fromString(ts).add(dTs).toString(),
      });
    }
  });
});
