import type { Type } from 'avsc';
import { IotpError } from '../../lib/errors.js';
import type { MappingRule } from './mapping-rule.js';
import type { FieldValue, Point } from './point.js';

/**
 * Turns decoded Avro values of one schema into points, driven by the schema (compiled once per
 * schema id, applied to every record):
 * - int/long (and timestamp-millis other than the event time) -> integer fields, float/double ->
 *   float fields, boolean -> boolean fields;
 * - nested records are flattened `<field>_<child>` (window stats: `temperature_mean`); a map
 *   contributes its keys in place of its own name (`stats: { temperature: {...} }` -> `temperature_mean`);
 * - nullable unions are unwrapped, a null value writes no field; arrays, bytes and fixed are skipped;
 * - top-level strings/enums named in `rule.tags` become tags, in `rule.stringFields` string fields,
 *   others are skipped (free text would explode series cardinality); the entries of a map of strings
 *   named in `rule.tagMaps` become tags too;
 * - timestamp = `rule.timestampField` in ms (window results: windowStart), else the record timestamp.
 *
 * @example
 *   const mapper = compileRecordMapper(avro.Type.forSchema(schema), rule);
 *   const point = mapper.map(decodedValue, record.timestamp);
 */
export interface RecordMapper {
  readonly rule: MappingRule;
  /** @throws IotpError SINK_NO_TIMESTAMP, SINK_BAD_VALUE (the record goes to the dead-letter topic) */
  map(value: unknown, recordTimestampMs: number): Point;
}

const MAX_CACHED_MAP_KEYS = 1024;

type Emit = (out: Record<string, FieldValue>, value: unknown) => void;

interface Compiled {
  tags: Array<{ name: string; read: (v: unknown) => string | undefined }>;
  tagMaps: string[];
  fields: Emit;
  timestampFromField: boolean;
}

/** The avsc type name, through logical types (timestamp-millis -> long). */
function baseTypeName(type: Type): string {
  let t = type;
  while (t.typeName.startsWith('logical:')) t = (t as unknown as { underlyingType: Type }).underlyingType;
  return t.typeName;
}

function underlying(type: Type): Type {
  let t = type;
  while (t.typeName.startsWith('logical:')) t = (t as unknown as { underlyingType: Type }).underlyingType;
  return t;
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}_${name}`;
}

function toInteger(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (value instanceof Date) return value.getTime();
  // avsc's Long implementations (e.g. longjs) expose toNumber()/toString().
  if (value !== null && typeof value === 'object' && 'toString' in value) {
    const text = String(value);
    if (/^-?\d+$/.test(text)) return BigInt(text);
  }
  return undefined;
}

function badValue(name: string, value: unknown, expected: string): IotpError {
  return new IotpError('SINK_BAD_VALUE', `field ${JSON.stringify(name)} is ${typeof value}, expected ${expected}`, {
    context: { field: name },
  });
}

/** `name` is the flattened field name; `parent` the prefix a map's keys are joined to. */
function compileValue(type: Type, name: string, exclude: Set<string>, parent: string): Emit | undefined {
  const t = underlying(type);
  switch (t.typeName) {
    case 'int':
    case 'long':
      if (exclude.has(name)) return undefined;
      return (out, value) => {
        if (value === null || value === undefined) return;
        const n = toInteger(value);
        if (n === undefined) throw badValue(name, value, 'an integer');
        out[name] = { kind: 'integer', value: n };
      };
    case 'float':
    case 'double':
      if (exclude.has(name)) return undefined;
      return (out, value) => {
        if (value === null || value === undefined) return;
        if (typeof value !== 'number') throw badValue(name, value, 'a number');
        // NaN/Infinity mean "no value" in a reading; InfluxDB cannot store them.
        if (Number.isFinite(value)) out[name] = { kind: 'float', value };
      };
    case 'boolean':
      if (exclude.has(name)) return undefined;
      return (out, value) => {
        if (value === null || value === undefined) return;
        if (typeof value !== 'boolean') throw badValue(name, value, 'a boolean');
        out[name] = { kind: 'boolean', value };
      };
    case 'record':
    case 'error': {
      const children: Array<[string, Emit]> = [];
      for (const field of (t as unknown as { fields: Array<{ name: string; type: Type }> }).fields) {
        const emit = compileValue(field.type, join(name, field.name), exclude, name);
        if (emit) children.push([field.name, emit]);
      }
      if (children.length === 0) return undefined;
      return (out, value) => {
        if (value === null || value === undefined) return;
        const record = value as Record<string, unknown>;
        for (const [key, emit] of children) emit(out, record[key]);
      };
    }
    case 'map': {
      const valuesType = (t as unknown as { valuesType: Type }).valuesType;
      const probe = compileValue(valuesType, 'probe', new Set(), '');
      if (!probe) return undefined;
      const cache = new Map<string, Emit>();
      return (out, value) => {
        if (value === null || value === undefined) return;
        for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
          let emit = cache.get(key);
          if (emit === undefined) {
            emit = compileValue(valuesType, join(parent, key), exclude, parent);
            // Bounded: map keys are field names, but a misuse with unique keys must not grow memory.
            if (emit && cache.size < MAX_CACHED_MAP_KEYS) cache.set(key, emit);
          }
          emit?.(out, entry);
        }
      };
    }
    case 'union:unwrapped': {
      const branches = (t as unknown as { types: Type[] }).types
        .filter((b) => b.typeName !== 'null')
        .map((b) => ({ type: b, emit: compileValue(b, name, exclude, parent) }))
        .filter((b): b is { type: Type; emit: Emit } => b.emit !== undefined);
      if (branches.length === 0) return undefined;
      const only = branches.length === 1 ? branches[0] : undefined;
      if (only) return only.emit;
      return (out, value) => {
        if (value === null || value === undefined) return;
        branches.find((b) => b.type.isValid(value))?.emit(out, value);
      };
    }
    case 'union:wrapped': {
      const branches = new Map<string, Emit>();
      for (const b of (t as unknown as { types: Type[] }).types) {
        const emit = b.typeName === 'null' ? undefined : compileValue(b, name, exclude, parent);
        if (emit && b.branchName) branches.set(b.branchName, emit);
      }
      if (branches.size === 0) return undefined;
      return (out, value) => {
        if (value === null || value === undefined) return;
        const [branch, inner] = Object.entries(value as Record<string, unknown>)[0] ?? [];
        if (branch !== undefined) branches.get(branch)?.(out, inner);
      };
    }
    default:
      // string/enum below the top level, array, bytes, fixed, null: not a field.
      return undefined;
  }
}

function readString(type: Type, name: string): (v: unknown) => string | undefined {
  return (value) => {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'string') return value;
    // A wrapped union branch: { string: 'x' }.
    if (typeof value === 'object') {
      const inner = Object.values(value as Record<string, unknown>)[0];
      if (typeof inner === 'string') return inner;
    }
    throw badValue(name, value, `a string (${type.typeName})`);
  };
}

function isStringLike(type: Type): boolean {
  const t = underlying(type);
  if (t.typeName === 'string' || t.typeName === 'enum') return true;
  if (t.typeName.startsWith('union:')) {
    const branches = (t as unknown as { types: Type[] }).types.filter((b) => b.typeName !== 'null');
    return branches.length > 0 && branches.every((b) => isStringLike(b));
  }
  return false;
}

function compile(type: Type, rule: MappingRule): Compiled {
  const root = underlying(type);
  if (root.typeName !== 'record') {
    throw new IotpError('SINK_SCHEMA_NOT_RECORD', `schema ${type.name ?? root.typeName} is not a record`, {
      context: { measurement: rule.measurement },
    });
  }
  const fields = (root as unknown as { fields: Array<{ name: string; type: Type }> }).fields;
  const tagNames = new Set(rule.tags);
  const stringFields = new Set(rule.stringFields);
  const exclude = new Set([...rule.exclude, rule.timestampField]);
  const tags: Compiled['tags'] = [];
  const tagMaps: string[] = [];
  const emits: Array<[string, Emit]> = [];
  for (const field of fields) {
    const t = underlying(field.type);
    if (rule.tagMaps.includes(field.name) && t.typeName === 'map') {
      if (isStringLike((t as unknown as { valuesType: Type }).valuesType)) tagMaps.push(field.name);
      continue;
    }
    if (isStringLike(field.type)) {
      if (tagNames.has(field.name)) tags.push({ name: field.name, read: readString(field.type, field.name) });
      if (stringFields.has(field.name) && !exclude.has(field.name)) {
        const read = readString(field.type, field.name);
        emits.push([
          field.name,
          (out, value) => {
            const text = read(value);
            if (text !== undefined) out[field.name] = { kind: 'string', value: text };
          },
        ]);
      }
      continue;
    }
    const emit = compileValue(field.type, field.name, exclude, '');
    if (emit) emits.push([field.name, emit]);
  }
  return {
    tags,
    tagMaps,
    fields: (out, value) => {
      const record = value as Record<string, unknown>;
      for (const [key, emit] of emits) emit(out, record[key]);
    },
    timestampFromField: fields.some((f) => f.name === rule.timestampField && baseTypeName(f.type) !== 'string'),
  };
}

/** Compiles the mapping of one schema under one rule. @throws IotpError SINK_SCHEMA_NOT_RECORD */
export function compileRecordMapper(type: Type, rule: MappingRule): RecordMapper {
  const compiled = compile(type, rule);
  return {
    rule,
    map(value, recordTimestampMs) {
      if (value === null || typeof value !== 'object') {
        throw new IotpError('SINK_BAD_VALUE', 'the decoded value is not a record', {
          context: { measurement: rule.measurement },
        });
      }
      const record = value as Record<string, unknown>;
      const tags: Record<string, string> = {};
      for (const name of compiled.tagMaps) {
        for (const [key, text] of Object.entries((record[name] ?? {}) as Record<string, unknown>)) {
          if (typeof text === 'string' && text !== '') tags[key] = text;
        }
      }
      for (const tag of compiled.tags) {
        const text = tag.read(record[tag.name]);
        if (text !== undefined && text !== '') tags[tag.name] = text;
      }
      const fields: Record<string, FieldValue> = {};
      compiled.fields(fields, record);
      let timestampMs = recordTimestampMs;
      if (compiled.timestampFromField) {
        const raw = toInteger(record[rule.timestampField]);
        if (raw === undefined) {
          throw new IotpError('SINK_NO_TIMESTAMP', `event time field ${JSON.stringify(rule.timestampField)} is empty`, {
            context: { measurement: rule.measurement },
          });
        }
        timestampMs = Number(raw);
      }
      return { measurement: rule.measurement, tags, fields, timestampMs };
    },
  };
}
