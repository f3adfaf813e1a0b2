import { describe, expect, it } from 'vitest';
import { parseAvroSchema } from './avro-schema.js';
import { checkCompatibility, readerIssues } from './compat.js';

const ts = { type: 'long', logicalType: 'timestamp-millis' };
function reading(fields: unknown[], extra: Record<string, unknown> = {}) {
  return parseAvroSchema({
    type: 'record',
    name: 'Reading',
    namespace: 'iotp.test',
    ...extra,
    fields: [{ name: 'deviceId', type: 'string' }, { name: 'ts', type: ts }, ...fields],
  }).type;
}
const temperature = { name: 'temperature', type: ['null', 'double'], default: null };
const v1 = reading([temperature]);

describe('compatibility checker', () => {
  it('accepts adding an optional field with a default (BACKWARD, FORWARD, FULL)', () => {
    const v2 = reading([temperature, { name: 'humidity', type: ['null', 'double'], default: null }]);
    for (const level of ['BACKWARD', 'FORWARD', 'FULL', 'FULL_TRANSITIVE'] as const) {
      expect(checkCompatibility(level, v2, [v1]), level).toEqual({ compatible: true, issues: [] });
    }
  });

  it('rejects adding a field without a default under BACKWARD, naming it', () => {
    const v2 = reading([temperature, { name: 'humidity', type: 'double' }]);
    const result = checkCompatibility('BACKWARD', v2, [v1]);
    expect(result.compatible).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({ direction: 'backward', field: 'humidity', path: 'Reading.humidity' }),
    ]);
    expect(result.issues[0]?.reason).toContain('has no default');
    // The old reader can read the new data: FORWARD accepts it.
    expect(checkCompatibility('FORWARD', v2, [v1]).compatible).toBe(true);
  });

  it('rejects removing a field without a default under FORWARD and FULL (BACKWARD allows it)', () => {
    const withRequired = reading([{ name: 'pressure', type: 'double' }]);
    const removed = reading([]);
    expect(checkCompatibility('BACKWARD', removed, [withRequired]).compatible).toBe(true);
    const forward = checkCompatibility('FORWARD', removed, [withRequired]);
    expect(forward.issues).toEqual([expect.objectContaining({ direction: 'forward', field: 'pressure' })]);
    expect(checkCompatibility('FULL', removed, [withRequired]).issues.map((i) => i.field)).toEqual(['pressure']);
  });

  it('rejects a type change that is not a promotion, and accepts int -> long -> double', () => {
    const asString = reading([{ name: 'temperature', type: ['null', 'string'], default: null }]);
    const issues = checkCompatibility('BACKWARD', asString, [v1]).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'temperature', path: 'Reading.temperature' });
    expect(issues[0]?.reason).toContain('double');

    const intV = reading([{ name: 'count', type: 'int' }]);
    const longV = reading([{ name: 'count', type: 'long' }]);
    expect(checkCompatibility('BACKWARD', longV, [intV]).compatible).toBe(true);
    expect(checkCompatibility('FORWARD', longV, [intV]).issues[0]).toMatchObject({ field: 'count' });
  });

  it('rejects a rename without alias with a hint, and accepts it with the alias', () => {
    const renamed = reading([{ name: 'temp', type: ['null', 'double'] }]);
    const issue = checkCompatibility('BACKWARD', renamed, [v1]).issues[0];
    expect(issue?.field).toBe('temp');
    expect(issue?.reason).toContain('"aliases": ["temperature"]');
    const aliased = reading([{ name: 'temp', type: ['null', 'double'], aliases: ['temperature'] }]);
    expect(checkCompatibility('BACKWARD', aliased, [v1]).compatible).toBe(true);
  });

  it('checks enums: a new symbol breaks old readers unless they have a default', () => {
    const e = (symbols: string[], extra: Record<string, unknown> = {}) =>
      reading([{ name: 'state', type: { type: 'enum', name: 'State', symbols, ...extra } }]);
    expect(checkCompatibility('FORWARD', e(['A', 'B', 'C']), [e(['A', 'B'])]).issues[0]?.reason).toContain('C');
    expect(checkCompatibility('FORWARD', e(['A', 'B', 'C']), [e(['A', 'B'], { default: 'A' })]).compatible).toBe(true);
    expect(checkCompatibility('BACKWARD', e(['A', 'B', 'C']), [e(['A', 'B'])]).compatible).toBe(true);
  });

  it('checks nested records, maps and unions', () => {
    const stats = (fields: unknown[]) =>
      parseAvroSchema({
        type: 'record',
        name: 'W',
        fields: [{ name: 'fields', type: { type: 'map', values: { type: 'record', name: 'S', fields } } }],
      }).type;
    const a = stats([{ name: 'min', type: 'double' }]);
    const b = stats([
      { name: 'min', type: 'double' },
      { name: 'p50', type: 'double' },
    ]);
    const issue = checkCompatibility('BACKWARD', b, [a]).issues[0];
    expect(issue).toMatchObject({ field: 'p50', path: 'W.fields{}.p50' });
    // A writer union branch the reader lacks.
    const nullable = reading([{ name: 'x', type: ['null', 'string'], default: null }]);
    const required = reading([{ name: 'x', type: 'string' }]);
    expect(readerIssues(required, nullable)[0]?.reason).toContain('null');
    expect(readerIssues(nullable, required)).toEqual([]);
  });

  it('checks all versions when transitive, the latest only otherwise', () => {
    const v2 = reading([]); // dropped temperature (fine backward)
    const v3 = reading([{ name: 'temperature', type: 'string', default: '' }]);
    expect(checkCompatibility('BACKWARD', v3, [v1, v2]).compatible).toBe(true);
    const transitive = checkCompatibility('BACKWARD_TRANSITIVE', v3, [v1, v2]);
    expect(transitive.compatible).toBe(false);
    expect(transitive.issues[0]).toMatchObject({ field: 'temperature', against: 0 });
    expect(checkCompatibility('NONE', v3, [v1]).compatible).toBe(true);
  });

  it('agrees with avsc: whatever it accepts, createResolver accepts', () => {
    const pairs = [
      [reading([temperature, { name: 'humidity', type: ['null', 'double'], default: null }]), v1],
      [reading([{ name: 'temp', type: ['null', 'double'], aliases: ['temperature'] }]), v1],
      [reading([]), v1],
    ] as const;
    for (const [r, w] of pairs) {
      expect(readerIssues(r, w)).toEqual([]);
      expect(() => r.createResolver(w, { ignoreNamespaces: true })).not.toThrow();
    }
    const bad = reading([{ name: 'temperature', type: 'string' }]);
    expect(readerIssues(bad, v1)).not.toEqual([]);
    expect(() => bad.createResolver(v1)).toThrow();
  });
});
