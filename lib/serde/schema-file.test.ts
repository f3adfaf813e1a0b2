import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IotpError } from '../errors.js';
import { loadSchemaFile } from './schema-file.js';

const dir = mkdtempSync(join(tmpdir(), 'iotp-avsc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problem(name: string, text: string): IotpError {
  const file = join(dir, name);
  writeFileSync(file, text);
  try {
    loadSchemaFile(file);
  } catch (error) {
    if (error instanceof IotpError) return error;
    throw error;
  }
  throw new Error(`${name} loaded`);
}

describe('loadSchemaFile', () => {
  it('names the file and line of a JSON syntax error', () => {
    const error = problem('syntax.avsc', '{\n  "type": "record",\n  "name": "X"\n  "fields": []\n}\n');
    expect(error.code).toBe('SCHEMA_INVALID');
    expect(error.message).toMatch(/syntax\.avsc:4: schema is not JSON/);
    expect(error.context.line).toBe(4);
  });

  it('names the file, line and problem of an unknown type', () => {
    const text = `{
  "type": "record",
  "name": "X",
  "fields": [
    { "name": "a", "type": "int" },
    { "name": "b", "type": "nope" }
  ]
}`;
    const error = problem('unknown-type.avsc', text);
    expect(error.message).toMatch(/unknown-type\.avsc:6: invalid Avro schema: undefined type name: nope/);
  });

  it('names a bad default', () => {
    const text = '{"type": "record", "name": "X", "fields": [\n {"name": "a", "type": "int", "default": "x"}\n]}';
    const error = problem('bad-default.avsc', text);
    expect(error.message).toMatch(/bad-default\.avsc:2: invalid Avro schema: incompatible field default "x"/);
  });

  it('loads a valid schema with its name and compact text', () => {
    const file = join(dir, 'ok.avsc');
    writeFileSync(file, '{ "type": "record", "name": "Ok", "namespace": "a.b", "fields": [] }');
    const schema = loadSchemaFile(file);
    expect(schema.name).toBe('a.b.Ok');
    expect(schema.baseName).toBe('ok');
    expect(schema.text).toBe('{"type":"record","name":"Ok","namespace":"a.b","fields":[]}');
  });
});
