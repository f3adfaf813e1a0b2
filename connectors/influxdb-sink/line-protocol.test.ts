import { describe, expect, it } from 'vitest';
import { IotpError } from '../../lib/errors.js';
import { encodePoint, escapeKey, escapeMeasurement, formatFieldValue, quoteString } from './line-protocol.js';
import type { Point } from './point.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof IotpError ? error.code : 'NOT_AN_IOTP_ERROR';
  }
  return undefined;
}

describe('escapeMeasurement', () => {
  it.each([
    ['plain', 'plain'],
    ['with space', 'with\\ space'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a=b'],
    ['"quoted"', '"quoted"'],
    ['température_µ', 'température_µ'],
    ['传感器 1,x', '传感器\\ 1\\,x'],
    ['back\\slash', 'back\\slash'],
    ['emoji 🌡', 'emoji\\ 🌡'],
  ])('%j -> %j', (name, expected) => {
    expect(escapeMeasurement(name)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['a\nb', 'newline'],
    ['a\rb', 'carriage return'],
    ['ends\\', 'trailing backslash'],
    ['a\\ b', 'backslash before space'],
    ['a\\,b', 'backslash before comma'],
    ['#comment', 'leading #'],
  ])('refuses %j (%s) with a coded error', (name) => {
    expect(codeOf(() => escapeMeasurement(name))).toBe('SINK_UNREPRESENTABLE_NAME');
  });
});

describe('escapeKey', () => {
  it.each([
    ['deviceId', 'deviceId'],
    ['a b', 'a\\ b'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['a, =b', 'a\\,\\ \\=b'],
    ['"q"', '"q"'],
    ["it's", "it's"],
    ['Zürich Nord', 'Zürich\\ Nord'],
    ['f\\g', 'f\\g'],
    ['#hash', '#hash'],
  ])('%j -> %j', (name, expected) => {
    expect(escapeKey(name, 'tag value')).toBe(expected);
    expect(escapeKey(name, 'field key')).toBe(expected);
  });

  it.each([
    ['', 'tag value'],
    ['x\ny', 'tag value'],
    ['x\\', 'tag value'],
    ['x\\=y', 'tag key'],
    ['time', 'tag key'],
    ['time', 'field key'],
    ['line\nbreak', 'field key'],
  ] as const)('refuses %j as %s', (name, role) => {
    expect(codeOf(() => escapeKey(name, role))).toBe('SINK_UNREPRESENTABLE_NAME');
  });

  it('accepts "time" as a tag value', () => {
    expect(escapeKey('time', 'tag value')).toBe('time');
  });
});

describe('string field values', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['ends\\', '"ends\\\\"'],
    ['line1\nline2', '"line1\nline2"'],
    ['a, b=c', '"a, b=c"'],
    ['ünïcödé ✓', '"ünïcödé ✓"'],
    ['', '""'],
  ])('%j -> %j', (value, expected) => {
    expect(quoteString(value)).toBe(expected);
  });
});

describe('formatFieldValue', () => {
  it('writes floats without a suffix and integers with i', () => {
    expect(formatFieldValue({ kind: 'float', value: 21.5 }, 'f')).toBe('21.5');
    expect(formatFieldValue({ kind: 'float', value: 20 }, 'f')).toBe('20');
    expect(formatFieldValue({ kind: 'float', value: -1e-7 }, 'f')).toBe('-1e-7');
    expect(formatFieldValue({ kind: 'integer', value: -60 }, 'f')).toBe('-60i');
    expect(formatFieldValue({ kind: 'integer', value: 9007199254740993n }, 'f')).toBe('9007199254740993i');
    expect(formatFieldValue({ kind: 'boolean', value: true }, 'f')).toBe('true');
    expect(formatFieldValue({ kind: 'boolean', value: false }, 'f')).toBe('false');
  });

  it('refuses what InfluxDB cannot store', () => {
    expect(codeOf(() => formatFieldValue({ kind: 'float', value: Number.NaN }, 'f'))).toBe('SINK_NON_FINITE_FIELD');
    expect(codeOf(() => formatFieldValue({ kind: 'float', value: Number.POSITIVE_INFINITY }, 'f'))).toBe(
      'SINK_NON_FINITE_FIELD',
    );
    expect(codeOf(() => formatFieldValue({ kind: 'integer', value: 1.5 }, 'f'))).toBe('SINK_BAD_INTEGER_FIELD');
    expect(codeOf(() => formatFieldValue({ kind: 'integer', value: 2 ** 60 }, 'f'))).toBe('SINK_BAD_INTEGER_FIELD');
  });
});

describe('encodePoint', () => {
  const base: Point = {
    measurement: 'environment',
    tags: { site: 'lyon', deviceId: 'dev-1' },
    fields: { temperature: { kind: 'float', value: 21.5 }, rssi: { kind: 'integer', value: -60 } },
    timestampMs: 1_700_000_000_123,
  };

  it('sorts tags, keeps field order, writes ms timestamps', () => {
    expect(encodePoint(base)).toBe('environment,deviceId=dev-1,site=lyon temperature=21.5,rssi=-60i 1700000000123');
  });

  it('escapes every part of a hostile point', () => {
    const line = encodePoint({
      measurement: 'env, "x"=y',
      tags: { 'device id': 'a=b,c d', sïte: 'Zürich "Nord"' },
      fields: { 'temp, °C': { kind: 'float', value: 1 }, 'note=': { kind: 'string', value: 'he said "hi"\\' } },
      timestampMs: 5,
    });
    expect(line).toBe(
      'env\\,\\ "x"=y,device\\ id=a\\=b\\,c\\ d,sïte=Zürich\\ "Nord" temp\\,\\ °C=1,note\\==' +
        '"he said \\"hi\\"\\\\" 5',
    );
  });

  it('leaves out empty tag values', () => {
    expect(encodePoint({ ...base, tags: { deviceId: 'd', site: '' } })).toBe(
      'environment,deviceId=d temperature=21.5,rssi=-60i 1700000000123',
    );
  });

  it('refuses a point with no field or a fractional timestamp', () => {
    expect(codeOf(() => encodePoint({ ...base, fields: {} }))).toBe('SINK_NO_FIELDS');
    expect(codeOf(() => encodePoint({ ...base, timestampMs: 1.5 }))).toBe('SINK_BAD_TIMESTAMP');
  });

  it('names the part that cannot be stored', () => {
    expect(() => encodePoint({ ...base, tags: { deviceId: 'bad\nid' } })).toThrow(/tag value "bad\\nid"/);
  });
});
