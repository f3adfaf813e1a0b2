import { describe, expect, it } from 'vitest';
import { IotpError } from '../errors.js';
import { encodeWire, parseWire } from './wire-format.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof IotpError ? error.code : `not an IotpError: ${String(error)}`;
  }
  return undefined;
}

describe('Confluent wire format', () => {
  it('writes magic 0 and the id big-endian before the body', () => {
    const bytes = encodeWire(0x01020304, Buffer.from([0xaa, 0xbb]));
    expect([...bytes]).toEqual([0, 1, 2, 3, 4, 0xaa, 0xbb]);
  });

  it('round-trips id and body', () => {
    const body = Buffer.from('hello');
    const { schemaId, body: out } = parseWire(encodeWire(2_000_000_000, body));
    expect(schemaId).toBe(2_000_000_000);
    expect(out.equals(body)).toBe(true);
  });

  it('accepts an empty body (a record with no fields is valid Avro)', () => {
    expect(parseWire(Buffer.from([0, 0, 0, 0, 7]))).toMatchObject({ schemaId: 7 });
  });

  it('rejects a wrong magic byte with SERDE_MAGIC_BYTE', () => {
    expect(codeOf(() => parseWire(Buffer.from([1, 0, 0, 0, 7, 2])))).toBe('SERDE_MAGIC_BYTE');
    expect(codeOf(() => parseWire(Buffer.from('{"deviceId":"d1"}')))).toBe('SERDE_MAGIC_BYTE');
  });

  it('rejects an incomplete header with SERDE_TRUNCATED', () => {
    for (let n = 0; n < 5; n++) {
      expect(
        codeOf(() => parseWire(Buffer.alloc(n))),
        `length ${n}`,
      ).toBe('SERDE_TRUNCATED');
    }
  });

  it('refuses ids outside int32', () => {
    expect(codeOf(() => encodeWire(-1, Buffer.alloc(0)))).toBe('SERDE_VALIDATION');
    expect(codeOf(() => encodeWire(2 ** 31, Buffer.alloc(0)))).toBe('SERDE_VALIDATION');
  });
});
