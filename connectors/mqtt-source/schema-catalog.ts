import { type AvroSchema, recordFieldNames } from './avro-schema.js';
import { type ConformOptions, type ConformResult, createConformer } from './conform-to-avro.js';

/** A schema ready for validation: its name (the `.avsc` file's base name), JSON and field names. */
export interface SchemaEntry {
  name: string;
  schema: AvroSchema;
  fields: ReadonlySet<string>;
  conform(value: unknown): ConformResult;
}

/**
 * The schemas routes may name, compiled once.
 *
 * @example
 *   const catalog = createSchemaCatalog({ environment: envSchema });
 *   catalog.get('environment')?.conform(reading);
 */
export interface SchemaCatalog {
  get(name: string): SchemaEntry | undefined;
  names(): string[];
}

export function createSchemaCatalog(schemas: Record<string, AvroSchema>, options: ConformOptions = {}): SchemaCatalog {
  const entries = new Map<string, SchemaEntry>();
  for (const [name, schema] of Object.entries(schemas)) {
    entries.set(name, {
      name,
      schema,
      fields: new Set(recordFieldNames(schema)),
      conform: createConformer(schema, options),
    });
  }
  return {
    get: (name) => entries.get(name),
    names: () => [...entries.keys()],
  };
}
