import type { Type } from 'avsc';
import { describe, expect, it } from 'vitest';
import { IotpError } from '../errors.js';
import { parseAvroSchema } from './avro-schema.js';
import { createAvroDecoder } from './decoder.js';
import { encodeWire } from './wire-format.js';

// Unit level: schemas by id from a map (the registry client is tested against the real registry
// in test/integration/serde-*.test.ts).
const base = [
  { name: 'deviceId', type: 'string' },
  { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
];
const v1 = parseAvroSchema({
  type: 'record',
  name: 'R',
  namespace: 'a',
  fields: [...base, { name: 't', type: 'double' }],
});
const v2 = parseAvroSchema({
  type: 'record',
  name: 'R',
  namespace: 'a',
  fields: [...base, { name: 't', type: 'double' }, { name: 'h', type: ['null', 'double'], default: null }],
});
const other = parseAvroSchema({
  type: 'record',
  name: 'R',
  namespace: 'a',
  fields: [...base, { name: 't', type: 'string' }],
});

function registry(schemas: Record<number, Type>) {
  const calls: number[] = [];
  return {
    calls,
    async schemaById(id: number) {
      calls.push(id);
      const type = schemas[id];
      if (!type) throw new IotpError('SERDE_UNKNOWN_SCHEMA_ID', `no ${id}`);
      return type;
    },
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    return error instanceof IotpError ? error.code : String(error);
  }
  return 'no error';
}

describe('AvroDecoder', () => {
  const r = registry({ 1: v1.type, 2: v2.type, 3: other.type });
  const old1 = encodeWire(1, v1.type.toBuffer({ deviceId: 'd', ts: 5, t: 1.5 }));
  const new2 = encodeWire(2, v2.type.toBuffer({ deviceId: 'd', ts: 6, t: 2.5, h: 40 }));

  it('decodes in the writer shape without a reader schema', async () => {
    expect((await createAvroDecoder({ registry: r }).decode(new2)).value).toEqual({
      deviceId: 'd',
      ts: 6,
      t: 2.5,
      h: 40,
    });
  });

  it('a new reader (v2) decodes old data (v1): the added field takes its default', async () => {
    const decoded = await createAvroDecoder({ registry: r, reader: v2 }).decode(old1);
    expect(decoded).toEqual({ schemaId: 1, value: { deviceId: 'd', ts: 5, t: 1.5, h: null } });
  });

  it('an old reader (v1) decodes new data (v2): the unknown field is skipped', async () => {
    const decoded = await createAvroDecoder({ registry: r, reader: v1 }).decode(new2);
    expect(decoded.value).toEqual({ deviceId: 'd', ts: 6, t: 2.5 });
  });

  it('asks for each schema id once', async () => {
    const counted = registry({ 1: v1.type, 2: v2.type });
    const decoder = createAvroDecoder({ registry: counted, reader: v2 });
    for (let i = 0; i < 5; i++) {
      await decoder.decode(old1);
      await decoder.decode(new2);
    }
    expect(counted.calls).toEqual([1, 2]);
  });

  it('reports an unresolvable writer as SERDE_SCHEMA_MISMATCH naming the field', async () => {
    const bytes = encodeWire(3, other.type.toBuffer({ deviceId: 'd', ts: 1, t: 'x' }));
    try {
      await createAvroDecoder({ registry: r, reader: v1 }).decode(bytes);
      expect.unreachable('decoded');
    } catch (error) {
      expect(error).toBeInstanceOf(IotpError);
      expect((error as IotpError).code).toBe('SERDE_SCHEMA_MISMATCH');
      expect((error as IotpError).message).toContain('R.t: type changed');
      expect((error as IotpError).context.schemaId).toBe(3);
    }
  });

  it('passes on the wire and body error codes', async () => {
    const decoder = createAvroDecoder({ registry: r, reader: v1 });
    expect(await codeOf(decoder.decode(Buffer.from([7, 0, 0, 0, 1])))).toBe('SERDE_MAGIC_BYTE');
    expect(await codeOf(decoder.decode(old1.subarray(0, 3)))).toBe('SERDE_TRUNCATED');
    expect(await codeOf(decoder.decode(old1.subarray(0, old1.length - 1)))).toBe('SERDE_TRUNCATED');
    expect(await codeOf(decoder.decode(encodeWire(99, Buffer.alloc(3))))).toBe('SERDE_UNKNOWN_SCHEMA_ID');
    expect(await codeOf(decoder.decode(Buffer.concat([old1, Buffer.from([1])])))).toBe('SERDE_CORRUPT_BODY');
  });
});
