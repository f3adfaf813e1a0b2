import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../runtime/stack-env.js';
import { discoverFields, parseDocRange, parseDocUnit, readingContractIssues } from './fields.js';

const schema = (name: string) => JSON.parse(readFileSync(join(repoRoot, 'schemas', `${name}.avsc`), 'utf8'));

describe('field discovery', () => {
  it('finds the measurements, units and ranges of the environment reading', () => {
    const catalog = discoverFields(schema('environment'));
    expect(catalog.recordName).toBe('iotp.telemetry.EnvironmentReading');
    expect(catalog.key).toBe('deviceId');
    expect(catalog.time).toBe('ts');
    expect(catalog.numeric.map((f) => [f.name, f.avroType, f.nullable, f.unit, f.range])).toEqual([
      ['temperature', 'double', true, '°C', { min: -40, max: 125 }],
      ['humidity', 'double', true, '%', { min: 0, max: 100 }],
      ['pressure', 'double', true, 'hPa', { min: 300, max: 1100 }],
    ]);
    expect(catalog.tags.map((t) => t.name)).toEqual(['deviceId', 'site']);
  });

  it('leaves timestamps out of the measurements and reads open ranges', () => {
    const power = discoverFields(schema('power'));
    expect(power.numeric.map((f) => f.name)).toEqual(['voltage', 'current', 'power', 'energy']);
    expect(power.numeric.find((f) => f.name === 'energy')?.range).toEqual({ min: 0 });
    expect(power.numeric.find((f) => f.name === 'power')?.range).toEqual({ min: -100000, max: 100000 });
  });

  it('treats enums as tags and every numeric type, nullable or not, as a measurement', () => {
    const catalog = discoverFields({
      type: 'record',
      name: 'X',
      fields: [
        { name: 'a', type: 'int' },
        { name: 'b', type: ['long', 'null'] },
        { name: 'c', type: 'float' },
        { name: 'd', type: ['null', 'double', 'string'] },
        { name: 'e', type: { type: 'enum', name: 'E', symbols: ['X', 'Y'] } },
        { name: 'f', type: { type: 'bytes', logicalType: 'decimal', precision: 4 } },
        { name: 'g', type: 'boolean' },
      ],
    });
    expect(catalog.numeric.map((f) => [f.name, f.avroType, f.nullable])).toEqual([
      ['a', 'int', false],
      ['b', 'long', true],
      ['c', 'float', false],
    ]);
    expect(catalog.tags).toEqual([{ name: 'e', kind: 'enum', nullable: false, symbols: ['X', 'Y'] }]);
    expect(catalog.key).toBeUndefined();
    expect(catalog.time).toBeUndefined();
  });

  it('parses doc ranges and units', () => {
    expect(parseDocRange('range: -40..125')).toEqual({ min: -40, max: 125 });
    expect(parseDocRange('x. range: 1.5e3..2E4 (typ.)')).toEqual({ min: 1500, max: 20000 });
    expect(parseDocRange('range: ..0')).toEqual({ max: 0 });
    expect(parseDocRange('no range here')).toBeUndefined();
    expect(parseDocRange('range: ..')).toBeUndefined();
    expect(parseDocUnit('Air temperature. unit: °C; range: -40..125')).toBe('°C');
    expect(parseDocUnit('unit: kWh')).toBe('kWh');
  });

  it('checks the reading contract', () => {
    expect(readingContractIssues(schema('environment'))).toEqual([]);
    expect(readingContractIssues(schema('power'))).toEqual([]);
    expect(readingContractIssues(schema('window-result')).join(' ')).toContain('"ts"');
    const bad = readingContractIssues({
      type: 'record',
      name: 'B',
      fields: [
        { name: 'ts', type: 'long' },
        { name: 'v', type: 'double', doc: 'range: 5..1' },
      ],
    });
    expect(bad).toEqual([
      expect.stringContaining('"deviceId"'),
      expect.stringContaining('"ts" must be'),
      expect.stringContaining('range 5..1 is empty'),
    ]);
  });
});
