import { type AvroComplexSchema, type AvroSchema, isPrimitiveName, namedTypes } from './avro-schema.js';
import { parseIsoTimestamp } from './parse-iso-timestamp.js';

/**
 * Why a JSON value does not fit an Avro schema: the field path (`temperature`, `tags.room`,
 * `samples[3]`), the rule broken (`type:double`, `required`, `range:int`, `enum`, `unknown-field`,
 * `finite`) and a sentence for humans. `reason` is the dead-letter code.
 */
export interface Violation {
  reason: 'SCHEMA_VIOLATION' | 'NON_FINITE';
  field: string;
  rule: string;
  message: string;
}

export type ConformResult = { ok: true; value: unknown } | { ok: false; violation: Violation };

export interface ConformOptions {
  /** `reject` (default): a payload field the schema does not declare is a violation. */
  unknownFields?: 'reject' | 'ignore';
}

/**
 * A validator that turns a parsed JSON value into the value of an Avro schema, or names the first
 * field and rule it breaks. Integers widen to float/double; nothing else is coerced: a numeric
 * string is not a number, `"NaN"`/`"Infinity"` in a numeric field is NON_FINITE, a missing field
 * takes its default or is `required`. Unions come out unwrapped (the first branch that fits).
 *
 * @example
 *   const conform = createConformer(schema);
 *   conform({ deviceId: 'd1', ts: 1, temperature: 21 }); // { ok: true, value: { ..., temperature: 21 } }
 *   conform({ deviceId: 'd1', ts: 1, temperature: '21' });
 *   // { ok: false, violation: { field: 'temperature', rule: 'type:double', ... } }
 */
export function createConformer(schema: AvroSchema, options: ConformOptions = {}): (value: unknown) => ConformResult {
  const names = namedTypes(schema);
  const unknownFields = options.unknownFields ?? 'reject';

  const fail = (field: string, rule: string, message: string, reason: Violation['reason'] = 'SCHEMA_VIOLATION') =>
    ({ ok: false, violation: { reason, field: field || '(root)', rule, message } }) as const;

  const resolve = (s: AvroSchema): AvroSchema => {
    if (typeof s === 'string' && !isPrimitiveName(s)) return names.get(s) ?? s;
    return s;
  };

  const conform = (s: AvroSchema, value: unknown, path: string): ConformResult => {
    const target = resolve(s);
    if (Array.isArray(target)) return conformUnion(target, value, path);
    if (typeof target === 'string') return conformPrimitive(target, undefined, value, path);
    if (typeof target.type !== 'string') return conform(target.type, value, path);
    switch (target.type) {
      case 'record':
      case 'error':
        return conformRecord(target, value, path);
      case 'enum':
        if (typeof value !== 'string' || !(target.symbols ?? []).includes(value))
          return fail(
            path,
            'enum',
            `${label(path)} must be one of ${(target.symbols ?? []).join(', ')}, got ${show(value)}`,
          );
        return { ok: true, value };
      case 'array': {
        if (!Array.isArray(value))
          return fail(path, 'type:array', `${label(path)} must be an array, got ${show(value)}`);
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i++) {
          const item = conform(target.items ?? 'null', value[i], `${path}[${i}]`);
          if (!item.ok) return item;
          out.push(item.value);
        }
        return { ok: true, value: out };
      }
      case 'map': {
        if (!isPlainObject(value))
          return fail(path, 'type:map', `${label(path)} must be an object, got ${show(value)}`);
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
          const item = conform(target.values ?? 'null', v, path ? `${path}.${k}` : k);
          if (!item.ok) return item;
          out[k] = item.value;
        }
        return { ok: true, value: out };
      }
      case 'fixed':
        return fail(path, 'unsupported:fixed', `${label(path)} is Avro fixed, which JSON payloads cannot carry`);
      default:
        return conformPrimitive(target.type, target.logicalType, value, path);
    }
  };

  const conformRecord = (target: AvroComplexSchema, value: unknown, path: string): ConformResult => {
    if (!isPlainObject(value))
      return fail(path, 'type:object', `${label(path)} must be a JSON object, got ${show(value)}`);
    const out: Record<string, unknown> = {};
    const declared = new Set<string>();
    for (const field of target.fields ?? []) {
      declared.add(field.name);
      const fieldPath = path ? `${path}.${field.name}` : field.name;
      const present = Object.hasOwn(value, field.name) && value[field.name] !== undefined;
      if (!present) {
        if (field.default === undefined)
          return fail(fieldPath, 'required', `${fieldPath} is required by the schema and has no default`);
        const fallback = field.default;
        out[field.name] = typeof fallback === 'object' && fallback !== null ? structuredClone(fallback) : fallback;
        continue;
      }
      const conformed = conform(field.type, value[field.name], fieldPath);
      if (!conformed.ok) return conformed;
      out[field.name] = conformed.value;
    }
    if (unknownFields === 'reject') {
      for (const key of Object.keys(value)) {
        if (!declared.has(key)) {
          const fieldPath = path ? `${path}.${key}` : key;
          return fail(fieldPath, 'unknown-field', `${fieldPath} is not a field of schema ${target.name ?? '(record)'}`);
        }
      }
    }
    return { ok: true, value: out };
  };

  const conformUnion = (branches: AvroSchema[], value: unknown, path: string): ConformResult => {
    // Fast path: the first primitive branch whose JS type fits (no failure messages built).
    for (const branch of branches) {
      const target = resolve(branch);
      if (typeof target === 'string' && plainFits(target, value)) return conform(target, value, path);
    }
    let firstFailure: ConformResult | undefined;
    for (const branch of branches) {
      const result = conform(branch, value, path);
      if (result.ok) return result;
      if (result.violation.reason === 'NON_FINITE') return result;
      firstFailure ??= result;
      // A record branch that failed deep inside says more than "no branch fits".
      if (isPlainObject(value) && result.violation.field !== path) return result;
    }
    const kinds = branches.map((b) => describe(resolve(b))).join(' | ');
    return firstFailure && branches.length === 1
      ? firstFailure
      : fail(path, `type:${kinds}`, `${label(path)} must be ${kinds}, got ${show(value)}`);
  };

  return (value: unknown) => conform(schema, value, '');
}

/** Whether a JS value has the shape of a primitive Avro type (range checks are left to conform). */
function plainFits(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'float':
    case 'double':
      return typeof value === 'number';
    case 'int':
    case 'long':
      return typeof value === 'number' && Number.isInteger(value);
    default:
      return false;
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const NON_FINITE_TEXT = /^[+-]?(nan|inf|infinity)$/i;

function conformPrimitive(type: string, logicalType: string | undefined, value: unknown, path: string): ConformResult {
  const fail = (rule: string, message: string, reason: Violation['reason'] = 'SCHEMA_VIOLATION'): ConformResult => ({
    ok: false,
    violation: { reason, field: path || '(root)', rule, message },
  });
  const numeric = type === 'int' || type === 'long' || type === 'float' || type === 'double';
  if (numeric && typeof value === 'string' && NON_FINITE_TEXT.test(value.trim()))
    return fail('finite', `${label(path)} is ${show(value)}: a ${type} must be a finite number`, 'NON_FINITE');
  if (numeric && typeof value === 'number' && !Number.isFinite(value))
    return fail('finite', `${label(path)} is ${value}: a ${type} must be a finite number`, 'NON_FINITE');
  switch (type) {
    case 'null':
      return value === null
        ? { ok: true, value }
        : fail('type:null', `${label(path)} must be null, got ${show(value)}`);
    case 'boolean':
      return typeof value === 'boolean'
        ? { ok: true, value }
        : fail('type:boolean', `${label(path)} must be true or false, got ${show(value)}`);
    case 'string':
      return typeof value === 'string'
        ? { ok: true, value }
        : fail('type:string', `${label(path)} must be a string, got ${show(value)}`);
    case 'float':
    case 'double':
      return typeof value === 'number'
        ? { ok: true, value }
        : fail(`type:${type}`, `${label(path)} must be a number, got ${show(value)} (strings are not coerced)`);
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return fail('type:int', `${label(path)} must be an integer, got ${show(value)}`);
      if (value < INT32_MIN || value > INT32_MAX)
        return fail('range:int', `${label(path)} is ${value}, outside the 32-bit int range`);
      return { ok: true, value };
    case 'long':
      if (logicalType === 'timestamp-millis' && typeof value === 'string') {
        const ms = parseIsoTimestamp(value);
        return ms === undefined
          ? fail('timestamp', `${label(path)} must be ISO-8601 with a zone or epoch ms, got ${show(value)}`)
          : { ok: true, value: ms };
      }
      if (typeof value !== 'number' || !Number.isInteger(value))
        return fail('type:long', `${label(path)} must be an integer, got ${show(value)}`);
      if (!Number.isSafeInteger(value))
        return fail('range:long', `${label(path)} is ${value}, beyond the exactly representable integers (2^53)`);
      return { ok: true, value };
    case 'bytes':
      return fail('unsupported:bytes', `${label(path)} is Avro bytes, which JSON payloads cannot carry`);
    default:
      return fail('unknown-type', `${label(path)} has an unknown schema type '${type}'`);
  }
}

function describe(s: AvroSchema): string {
  if (typeof s === 'string') return s;
  if (Array.isArray(s)) return s.map(describe).join(' | ');
  if (typeof s.type !== 'string') return describe(s.type);
  return s.type === 'record' || s.type === 'enum' ? (s.name ?? s.type) : s.type;
}

function label(path: string): string {
  return path || 'the payload';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a JSON value for error messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
