import { describe, expect, it } from 'vitest';
import { diffRecords, flattenRecord, formatPlan, planRegistry } from './diff.js';
import { parseLimit, parseOverride, parseTag } from './field-syntax.js';
import { applyRegistryRecord } from './fold.js';
import { parseDevicesCsv, parseDevicesJson } from './import-file.js';
import { applyPatch } from './patch.js';
import { type DeviceRecord, emptyRecord, recordProblems } from './record.js';

const rec = (id: string, extra: Partial<DeviceRecord> = {}): DeviceRecord => ({ ...emptyRecord(id), ...extra });

describe('field syntax', () => {
  it('parses tags, limits with open ends and negative numbers, and overrides', () => {
    expect(parseTag('floor=2')).toEqual({ name: 'floor', value: '2' });
    expect(parseTag('floor=')).toEqual({ name: 'floor', value: undefined });
    expect(parseLimit('temperature=-40:85').value).toEqual({ min: -40, max: 85 });
    expect(parseLimit('t=-40.5:-1').value).toEqual({ min: -40.5, max: -1 });
    expect(parseLimit('humidity=0:').value).toEqual({ min: 0, max: null });
    expect(parseLimit('p=:1100').value).toEqual({ min: null, max: 1100 });
    expect(parseOverride('temperature:outOfRange.enabled=false')).toEqual({
      field: 'temperature',
      detector: 'outOfRange',
      setting: 'enabled',
      value: false,
    });
    expect(parseOverride('combined.threshold=0.9').value).toBe(0.9);
  });

  it('names the key and the expected form when the text is wrong', () => {
    expect(() => parseLimit('temperature=hot', '--limit')).toThrow(/--limit: expected field=min:max/);
    expect(() => parseLimit('temperature=1:x')).toThrow(/'x' is not a number/);
    expect(() => parseTag('floor')).toThrow(/--tag: expected k=v/);
    expect(() => parseOverride('enabled=false')).toThrow(/--detector: expected \[<field>:\]<detector>/);
  });
});

describe('record validation', () => {
  it('accepts a full record and names each bad field', () => {
    expect(recordProblems(rec('d1', { limits: { temperature: { min: -40, max: 85 } } }))).toEqual([]);
    const bad = recordProblems(
      rec('a/b', {
        tags: { site: 'x', 'bad key': 'v' },
        limits: { t: { min: 5, max: 1 } },
        detectors: [{ detector: 'nope', field: null, settings: { enabled: false } }],
      }),
    );
    expect(bad.join('\n')).toMatch(/deviceId/);
    expect(bad.join('\n')).toMatch(/tags.site: 'site' is a tag the pipeline sets itself/);
    expect(bad.join('\n')).toMatch(/tags.bad key/);
    expect(bad.join('\n')).toMatch(/limits.t: expected min <= max, got 5..1/);
    expect(bad.join('\n')).toMatch(/detectors\[0\].detector: expected one of/);
  });
});

describe('patch and diff', () => {
  it('an update changes the fields it names and keeps the rest', () => {
    const base = rec('d1', { site: 's1', model: 'm', tags: { floor: '1', owner: 'ops' }, gatewayLeaves: ['a'] });
    const next = applyPatch(base, {
      firmware: '2.0',
      tags: [parseTag('floor=2'), parseTag('owner=')],
      limits: [parseLimit('temperature=-40:85')],
      addLeaves: ['b'],
      removeLeaves: ['a'],
      overrides: [parseOverride('combined.enabled=false')],
    });
    expect(next).toMatchObject({ site: 's1', model: 'm', firmware: '2.0', tags: { floor: '2' }, gatewayLeaves: ['b'] });
    expect(diffRecords(base, next)).toEqual([
      { field: 'detectors.combined.enabled', kind: 'added', after: 'false' },
      { field: 'firmware', kind: 'added', after: '2.0' },
      { field: 'gatewayLeaves', kind: 'changed', before: 'a', after: 'b' },
      { field: 'limits.temperature', kind: 'added', after: '-40:85' },
      { field: 'tags.floor', kind: 'changed', before: '1', after: '2' },
      { field: 'tags.owner', kind: 'removed', before: 'ops' },
    ]);
  });

  it('plans an import: added, changed with fields, unchanged, and removed only with prune', () => {
    const current = new Map([
      ['d1', rec('d1', { site: 's1' })],
      ['d2', rec('d2', { site: 's1', tags: { floor: '1' } })],
      ['d3', rec('d3')],
    ]);
    const wanted = [rec('d1', { site: 's1' }), rec('d2', { site: 's2' }), rec('d4', { model: 'x' })];
    const plan = planRegistry(current, wanted, { prune: true });
    expect(plan.added.map((a) => a.record.deviceId)).toEqual(['d4']);
    expect(plan.changed[0]?.changes).toEqual([
      { field: 'site', kind: 'changed', before: 's1', after: 's2' },
      { field: 'tags.floor', kind: 'removed', before: '1' },
    ]);
    expect(plan.unchanged).toEqual(['d1']);
    expect(plan.removed).toEqual(['d3']);
    expect(planRegistry(current, wanted).removed).toEqual([]);
    expect(formatPlan(plan).at(-1)).toBe('1 added, 1 changed, 1 removed, 1 unchanged');
    expect(formatPlan(plan)).toContain('    ~ site: s1 -> s2');
  });

  it('flattens in a stable order whatever the input order', () => {
    const a = flattenRecord(rec('d', { tags: { b: '1', a: '2' }, gatewayLeaves: ['y', 'x'] }));
    expect(Object.entries(a)).toEqual([
      ['gatewayLeaves', 'x,y'],
      ['tags.a', '2'],
      ['tags.b', '1'],
    ]);
  });
});

describe('fold (the view table)', () => {
  it('a value replaces, a tombstone removes, a tombstone of an unknown device is no change', () => {
    const table = new Map<string, DeviceRecord>();
    expect(applyRegistryRecord(table, 'd1', rec('d1', { site: 's1' }))?.before).toBeUndefined();
    const change = applyRegistryRecord(table, 'd1', rec('d1', { site: 's2' }));
    expect(change?.before?.site).toBe('s1');
    expect(change?.after?.site).toBe('s2');
    expect(applyRegistryRecord(table, 'd1', null)?.after).toBeUndefined();
    expect(table.size).toBe(0);
    expect(applyRegistryRecord(table, 'd9', null)).toBeUndefined();
  });
});

describe('import files', () => {
  it('reads CSV with quoted cells, ; lists and a BOM', () => {
    const csv =
      '\uFEFFdeviceId,site,model,firmware,gatewayLeaves,tags,limits,detectors\r\n' +
      'gw-1,s1,"Model, X",1.0,leaf-*;{gateway}.*,floor=2;owner=ops,temperature=-40:85,combined.enabled=false\r\n' +
      'd2,s2,,,,,,\r\n';
    const [gw, d2] = parseDevicesCsv(csv, 'fleet.csv');
    expect(gw).toMatchObject({
      deviceId: 'gw-1',
      model: 'Model, X',
      gatewayLeaves: ['leaf-*', '{gateway}.*'],
      tags: { floor: '2', owner: 'ops' },
      limits: { temperature: { min: -40, max: 85 } },
      detectors: [{ detector: 'combined', field: null, settings: { enabled: false } }],
    });
    expect(d2).toMatchObject({ deviceId: 'd2', site: 's2', tags: {} });
  });

  it('names the file, line and field of a bad row, unknown columns and duplicates', () => {
    expect(() => parseDevicesCsv('deviceId,site\nd1,s1\nd2,s1\nd/3,s1\n', 'f.csv')).toThrow(/f.csv:4: deviceId/);
    expect(() => parseDevicesCsv('deviceId,colour\nd1,red\n', 'f.csv')).toThrow(/f.csv:1: unknown column\(s\) colour/);
    expect(() => parseDevicesCsv('deviceId,limits\nd1,t=9:1\n', 'f.csv')).toThrow(
      /f.csv:2: limits.t: expected min <= max/,
    );
    expect(() => parseDevicesCsv('deviceId\nd1\nd1\n', 'f.csv')).toThrow(/listed twice/);
  });

  it('reads JSON as show --json prints it, limits as objects or text', () => {
    const json = JSON.stringify({
      devices: [{ deviceId: 'd1', site: 's1', limits: { t: { min: 1 }, h: '0:100' }, tags: { floor: '2' } }],
    });
    expect(parseDevicesJson(json, 'f.json')[0]).toMatchObject({
      limits: { h: { min: 0, max: 100 }, t: { min: 1, max: null } },
    });
    expect(() => parseDevicesJson('[{"deviceId":"d1","colour":"red"}]', 'f.json')).toThrow(/f.json\[0\]/);
  });
});
