import { describe, expect, it } from 'vitest';
import type { AvroSchema } from './avro-schema.js';
import { createConformer } from './conform-to-avro.js';
import { projectSchema } from './test-support/fixtures.js';

const env = createConformer(projectSchema('environment'));
const base = { deviceId: 'd1', ts: 1_740_830_400_000 };

describe('createConformer on schemas/environment.avsc', () => {
  it('fills defaults and keeps schema field order', () => {
    const r = env({ ...base, temperature: 21.5 });
    expect(r).toEqual({
      ok: true,
      value: { deviceId: 'd1', ts: 1_740_830_400_000, site: '', temperature: 21.5, humidity: null, pressure: null },
    });
    expect(r.ok && Object.keys(r.value as object)).toEqual([
      'deviceId',
      'ts',
      'site',
      'temperature',
      'humidity',
      'pressure',
    ]);
  });

  it('widens integers to doubles', () => {
    const r = env({ ...base, temperature: 21 });
    expect(r.ok && (r.value as Record<string, unknown>).temperature).toBe(21);
  });

  it.each([
    [{ ...base, temperature: '21.5' }, 'temperature', 'type:null | double'],
    [{ ...base, temperature: true }, 'temperature', 'type:null | double'],
    [{ ...base, humidity: { v: 1 } }, 'humidity', 'type:null | double'],
    [{ ts: base.ts }, 'deviceId', 'required'],
    [{ ...base, deviceId: 7 }, 'deviceId', 'type:string'],
    [{ ...base, colour: 'red' }, 'colour', 'unknown-field'],
    [{ ...base, ts: 1.5 }, 'ts', 'type:long'],
  ])('%j: SCHEMA_VIOLATION on %s (%s)', (value, field, rule) => {
    const r = env(value);
    expect(r.ok).toBe(false);
    expect(r.ok || r.violation).toMatchObject({ reason: 'SCHEMA_VIOLATION', field, rule });
    expect(r.ok || r.violation.message).toContain(field);
  });

  it.each(['NaN', 'Infinity', '-Infinity', 'nan', ' inf '])('"%s" in a numeric field is NON_FINITE', (text) => {
    const r = env({ ...base, pressure: text });
    expect(r.ok || r.violation).toMatchObject({ reason: 'NON_FINITE', field: 'pressure', rule: 'finite' });
  });

  it('a non-finite number is NON_FINITE', () => {
    const r = env({ ...base, pressure: Number.POSITIVE_INFINITY });
    expect(r.ok || r.violation.reason).toBe('NON_FINITE');
  });

  it('ignores undeclared fields when told to', () => {
    const lenient = createConformer(projectSchema('environment'), { unknownFields: 'ignore' });
    const r = lenient({ ...base, colour: 'red' });
    expect(r.ok && Object.keys(r.value as object)).not.toContain('colour');
  });
});

describe('createConformer on other Avro types', () => {
  const schema: AvroSchema = {
    type: 'record',
    name: 'T',
    namespace: 'x',
    fields: [
      { name: 'count', type: 'int' },
      { name: 'big', type: 'long', default: 0 },
      { name: 'mode', type: { type: 'enum', name: 'Mode', symbols: ['A', 'B'] }, default: 'A' },
      { name: 'samples', type: { type: 'array', items: 'float' }, default: [] },
      { name: 'tags', type: { type: 'map', values: 'string' }, default: {} },
      {
        name: 'inner',
        type: ['null', { type: 'record', name: 'Inner', fields: [{ name: 'v', type: 'double' }] }],
        default: null,
      },
      { name: 'again', type: ['null', 'x.Inner'], default: null },
      { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' }, default: 0 },
      { name: 'flag', type: 'boolean', default: false },
    ],
  };
  const conform = createConformer(schema);

  it('accepts a full value', () => {
    const r = conform({
      count: 3,
      big: 2 ** 40,
      mode: 'B',
      samples: [1, 2.5],
      tags: { room: 'a' },
      inner: { v: 1 },
      again: { v: 2 },
      at: '2025-03-01T12:00:00Z',
      flag: true,
    });
    expect(r.ok).toBe(true);
    expect(r.ok && (r.value as Record<string, unknown>).at).toBe(Date.UTC(2025, 2, 1, 12));
  });

  it.each([
    [{ count: 2 ** 31 }, 'count', 'range:int'],
    [{ count: 1.5 }, 'count', 'type:int'],
    [{ count: 1, big: 2 ** 60 }, 'big', 'range:long'],
    [{ count: 1, mode: 'C' }, 'mode', 'enum'],
    [{ count: 1, samples: [1, 'x'] }, 'samples[1]', 'type:float'],
    [{ count: 1, samples: [1, 'NaN'] }, 'samples[1]', 'finite'],
    [{ count: 1, tags: { room: 1 } }, 'tags.room', 'type:string'],
    [{ count: 1, inner: { v: 'x' } }, 'inner.v', 'type:double'],
    [{ count: 1, again: { w: 1 } }, 'again.v', 'required'],
    [{ count: 1, at: '2025-03-01' }, 'at', 'timestamp'],
    [{ count: 1, flag: 'true' }, 'flag', 'type:boolean'],
  ])('%j breaks %s (%s)', (value, field, rule) => {
    const r = conform(value);
    expect(r.ok || r.violation).toMatchObject({ field, rule });
  });
});
