/**
 * An Avro schema as parsed JSON (the content of a `.avsc` file). Kept structural on purpose: the
 * connector validates JSON readings against the schema itself, independent of how the serde layer
 * configures avsc.
 *
 * @example
 *   const schema: AvroSchema = { type: 'record', name: 'Environment', fields: [
 *     { name: 'deviceId', type: 'string' }, { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
 *     { name: 'temperature', type: ['null', 'double'], default: null } ] };
 */
export type AvroSchema = string | AvroSchema[] | AvroComplexSchema;

export interface AvroField {
  name: string;
  type: AvroSchema;
  default?: unknown;
  doc?: string;
  aliases?: string[];
}

export interface AvroComplexSchema {
  type: string | AvroSchema[] | AvroComplexSchema;
  name?: string;
  namespace?: string;
  fields?: AvroField[];
  symbols?: string[];
  items?: AvroSchema;
  values?: AvroSchema;
  size?: number;
  logicalType?: string;
  doc?: string;
}

export const AVRO_PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type AvroPrimitive = (typeof AVRO_PRIMITIVES)[number];

export function isPrimitiveName(name: string): name is AvroPrimitive {
  return (AVRO_PRIMITIVES as readonly string[]).includes(name);
}

/** Full names (and simple names) of every named type (record, enum, fixed) declared in a schema. */
export function namedTypes(schema: AvroSchema): Map<string, AvroComplexSchema> {
  const names = new Map<string, AvroComplexSchema>();
  const walk = (s: AvroSchema, namespace: string | undefined): void => {
    if (typeof s === 'string') return;
    if (Array.isArray(s)) {
      for (const branch of s) walk(branch, namespace);
      return;
    }
    if (typeof s.type !== 'string') {
      walk(s.type, namespace);
      return;
    }
    let ns = namespace;
    if (s.name !== undefined && ['record', 'enum', 'fixed', 'error'].includes(s.type)) {
      const dot = s.name.lastIndexOf('.');
      ns = dot >= 0 ? s.name.slice(0, dot) : (s.namespace ?? namespace);
      const simple = dot >= 0 ? s.name.slice(dot + 1) : s.name;
      names.set(ns ? `${ns}.${simple}` : simple, s);
      if (!names.has(simple)) names.set(simple, s);
    }
    for (const field of s.fields ?? []) walk(field.type, ns);
    if (s.items !== undefined) walk(s.items, ns);
    if (s.values !== undefined) walk(s.values, ns);
  };
  walk(schema, undefined);
  return names;
}

/** The top-level record's field names, or [] if the schema is not a record. */
export function recordFieldNames(schema: AvroSchema): string[] {
  if (typeof schema === 'string' || Array.isArray(schema)) return [];
  return (schema.fields ?? []).map((f) => f.name);
}
