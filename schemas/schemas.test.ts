import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/runtime/stack-env.js';
import { discoverFields, readingContractIssues } from '../lib/serde/fields.js';
import { listSchemaFiles, loadSchemaFile } from '../lib/serde/schema-file.js';

const files = listSchemaFiles(join(repoRoot, 'schemas'));
const byName = new Map(files.map((f) => [f.split('/').pop()?.replace('.avsc', ''), loadSchemaFile(f)]));

describe('schemas/*.avsc', () => {
  it('has one file per record type of the pipeline', () => {
    expect([...byName.keys()].sort()).toEqual([
      'anomaly',
      'command',
      'command-status',
      'device',
      'device-status',
      'environment',
      'power',
      'window-result',
    ]);
  });

  it('every schema is a documented record in the iotp.telemetry namespace', () => {
    for (const [name, schema] of byName) {
      expect(schema.name, name).toMatch(/^iotp\.telemetry\.[A-Z]\w+$/);
      const json = schema.json as { doc?: string; fields: { name: string; doc?: string }[] };
      expect(json.doc, name).toBeTruthy();
      for (const f of json.fields) expect(f.doc, `${name}.${f.name} has no doc`).toBeTruthy();
    }
  });

  it('readings follow the reading contract, and every measurement states a unit and an optional default', () => {
    for (const name of ['environment', 'power']) {
      const schema = byName.get(name);
      expect(schema).toBeDefined();
      if (!schema) continue;
      expect(readingContractIssues(schema.json), name).toEqual([]);
      for (const f of discoverFields(schema.json).numeric) {
        expect(f.unit, `${name}.${f.name} unit`).toBeTruthy();
        expect(f.nullable, `${name}.${f.name} nullable`).toBe(true);
        expect(f.range, `${name}.${f.name} range`).toBeDefined();
      }
      const site = (schema.json as { fields: { name: string; default?: unknown }[] }).fields.find(
        (f) => f.name === 'site',
      );
      expect(site?.default, `${name}.site default`).toBe('');
    }
  });

  it('the anomaly kinds and the score range are what detectors and dashboards expect', () => {
    const anomaly = byName.get('anomaly');
    const kind = (anomaly?.json as { fields: { name: string; type: { symbols?: string[] } }[] }).fields.find(
      (f) => f.name === 'kind',
    );
    expect(kind?.type.symbols).toEqual(['SPIKE', 'DIP', 'LEVEL_SHIFT', 'STUCK', 'OUT_OF_RANGE', 'MISSING']);
    const score = discoverFields(anomaly?.json ?? {}).numeric.find((f) => f.name === 'score');
    expect(score?.range).toEqual({ min: 0, max: 1 });
  });
});
