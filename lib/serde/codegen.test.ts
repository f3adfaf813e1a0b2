import { describe, expect, it } from 'vitest';
import { generateIndex, generateTypeScript } from './codegen.js';

describe('codegen', () => {
  it('maps Avro types to TypeScript', () => {
    const ts = generateTypeScript(
      {
        json: {
          type: 'record',
          name: 'a.b.Thing',
          doc: 'A thing.',
          fields: [
            { name: 'id', type: 'string', doc: 'Id.' },
            { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
            { name: 'n', type: ['null', 'int'], default: null },
            { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
            { name: 'raw', type: { type: 'fixed', name: 'Hash', size: 4 } },
            { name: 'color', type: { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN'] } },
            { name: 'again', type: 'Color' },
            { name: 'either', type: ['int', 'long'] },
            { name: 'm', type: { type: 'map', values: 'boolean' } },
          ],
        },
      },
      'thing.avsc',
    );
    expect(ts).toContain('/** A thing. */\nexport interface Thing {');
    expect(ts).toContain('  /** Id. */\n  id: string;');
    expect(ts).toContain('  /** (timestamp-millis) */\n  at: number;');
    expect(ts).toContain('  n: null | number;');
    expect(ts).toContain('  tags: Array<string>;');
    expect(ts).toContain('export type Hash = Buffer;');
    expect(ts).toContain("export type Color = 'RED' | 'GREEN';");
    expect(ts).toContain("export const ColorSymbols = ['RED', 'GREEN'] as const;");
    expect(ts).toContain('  again: Color;');
    expect(ts).toContain("  either: { 'int': number } | { 'long': number };");
    expect(ts).toContain('  m: Record<string, boolean>;');
    expect(ts).toContain("export type ThingInput = Omit<Thing, 'n' | 'tags'> &");
    expect(ts).toContain('export const thingSchema = {');
  });

  it('indexes every module', () => {
    expect(generateIndex(['a', 'b-c'])).toContain("export * from './a.js';\nexport * from './b-c.js';\n");
  });
});
