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

/** A broken rule on the way out of a compiled node (a class, so success needs no wrapper object). */
class Failure {
  constructor(readonly violation: Violation) {}
}

/** A compiled schema node: the conformed value, or the first Failure. `path` is the field path. */
type Node = (value: unknown, path: string) => unknown;

/**
 * A validator that turns a parsed JSON value into the value of an Avro schema, or names the first
 * field and rule it breaks. Integers widen to float/double; nothing else is coerced: a numeric
 * string is not a number, `"NaN"`/`"Infinity"` in a numeric field is NON_FINITE, a missing field
 * takes its default or is `required`. Unions come out unwrapped (the first branch that fits).
 * The schema is compiled once into one function per schema node, so a message allocates only
 * its output objects.
 *
 * @example
 *   const conform = createConformer(schema);
 *   conform({ deviceId: 'd1', ts: 1, temperature: 21 }); // { ok: true, value: { ..., temperature: 21 } }
 *   conform({ deviceId: 'd1', ts: 1, temperature: '21' });
 *   // { ok: false, violation: { field: 'temperature', rule: 'type:double', ... } }
 */
export function createConformer(schema: AvroSchema, options: ConformOptions = {}): (value: unknown) => ConformResult {
  const names = namedTypes(schema);
  const rejectUnknown = (options.unknownFields ?? 'reject') === 'reject';
  const compiled = new Map<AvroComplexSchema, Node>();

  const resolve = (s: AvroSchema): AvroSchema => {
    if (typeof s === 'string' && !isPrimitiveName(s)) return names.get(s) ?? s;
    return s;
  };

  const compile = (s: AvroSchema): Node => {
    const target = resolve(s);
    if (Array.isArray(target)) return compileUnion(target);
    if (typeof target === 'string') return primitiveNode(target, undefined);
    const known = compiled.get(target);
    if (known) return known;
    // A record may refer to itself: callers get a forwarder until the node is built.
    let built: Node | undefined;
    compiled.set(target, (value, path) => (built as Node)(value, path));
    built = compileComplex(target);
    compiled.set(target, built);
    return built;
  };

  const compileComplex = (target: AvroComplexSchema): Node => {
    if (typeof target.type !== 'string') return compile(target.type);
    switch (target.type) {
      case 'record':
      case 'error':
        return compileRecord(target);
      case 'enum': {
        const symbols = target.symbols ?? [];
        return (value, path) =>
          typeof value === 'string' && symbols.includes(value)
            ? value
            : fail(path, 'enum', `${label(path)} must be one of ${symbols.join(', ')}, got ${show(value)}`);
      }
      case 'array': {
        const items = compile(target.items ?? 'null');
        return (value, path) => {
          if (!Array.isArray(value))
            return fail(path, 'type:array', `${label(path)} must be an array, got ${show(value)}`);
          const out: unknown[] = [];
          for (let i = 0; i < value.length; i++) {
            const item = items(value[i], `${path}[${i}]`);
            if (item instanceof Failure) return item;
            out.push(item);
          }
          return out;
        };
      }
      case 'map': {
        const values = compile(target.values ?? 'null');
        return (value, path) => {
          if (!isPlainObject(value))
            return fail(path, 'type:map', `${label(path)} must be an object, got ${show(value)}`);
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(value)) {
            const item = values(v, path ? `${path}.${k}` : k);
            if (item instanceof Failure) return item;
            out[k] = item;
          }
          return out;
        };
      }
      case 'fixed':
        return (_value, path) =>
          fail(path, 'unsupported:fixed', `${label(path)} is Avro fixed, which JSON payloads cannot carry`);
      default:
        return primitiveNode(target.type, target.logicalType);
    }
  };

  const compileRecord = (target: AvroComplexSchema): Node => {
    const fields = (target.fields ?? []).map((f) => ({
      name: f.name,
      node: compile(f.type),
      hasDefault: f.default !== undefined,
      fallback: f.default,
      cloneDefault: typeof f.default === 'object' && f.default !== null,
    }));
    const declared = new Set(fields.map((f) => f.name));
    const recordName = target.name ?? '(record)';
    return (value, path) => {
      if (!isPlainObject(value))
        return fail(path, 'type:object', `${label(path)} must be a JSON object, got ${show(value)}`);
      const out: Record<string, unknown> = {};
      for (const field of fields) {
        const fieldPath = path ? `${path}.${field.name}` : field.name;
        const given = value[field.name];
        if (given === undefined || !Object.hasOwn(value, field.name)) {
          if (!field.hasDefault)
            return fail(fieldPath, 'required', `${fieldPath} is required by the schema and has no default`);
          out[field.name] = field.cloneDefault ? structuredClone(field.fallback) : field.fallback;
          continue;
        }
        const conformed = field.node(given, fieldPath);
        if (conformed instanceof Failure) return conformed;
        out[field.name] = conformed;
      }
      if (rejectUnknown) {
        for (const key in value) {
          if (declared.has(key) || !Object.hasOwn(value, key)) continue;
          const fieldPath = path ? `${path}.${key}` : key;
          return fail(fieldPath, 'unknown-field', `${fieldPath} is not a field of schema ${recordName}`);
        }
      }
      return out;
    };
  };

  const compileUnion = (branches: AvroSchema[]): Node => {
    const resolved = branches.map(resolve);
    // Fast path: the first primitive branch whose JS type fits (no failure messages built).
    const primitives = resolved.flatMap((target) =>
      typeof target === 'string' ? [{ type: target, node: primitiveNode(target, undefined) }] : [],
    );
    const nodes = branches.map((b) => compile(b));
    const kinds = resolved.map(describe).join(' | ');
    return (value, path) => {
      for (const p of primitives) if (plainFits(p.type, value)) return p.node(value, path);
      let firstFailure: Failure | undefined;
      for (const node of nodes) {
        const result = node(value, path);
        if (!(result instanceof Failure)) return result;
        if (result.violation.reason === 'NON_FINITE') return result;
        firstFailure ??= result;
        // A record branch that failed deep inside says more than "no branch fits".
        if (isPlainObject(value) && result.violation.field !== path) return result;
      }
      return firstFailure && nodes.length === 1
        ? firstFailure
        : fail(path, `type:${kinds}`, `${label(path)} must be ${kinds}, got ${show(value)}`);
    };
  };

  const root = compile(schema);
  return (value: unknown) => {
    const result = root(value, '');
    return result instanceof Failure ? { ok: false, violation: result.violation } : { ok: true, value: result };
  };
}

function fail(path: string, rule: string, message: string, reason: Violation['reason'] = 'SCHEMA_VIOLATION'): Failure {
  return new Failure({ reason, field: path || '(root)', rule, message });
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

function primitiveNode(type: string, logicalType: string | undefined): Node {
  return (value, path) => conformPrimitive(type, logicalType, value, path);
}

function conformPrimitive(type: string, logicalType: string | undefined, value: unknown, path: string): unknown {
  const numeric = type === 'int' || type === 'long' || type === 'float' || type === 'double';
  if (numeric && typeof value === 'string' && NON_FINITE_TEXT.test(value.trim()))
    return fail(path, 'finite', `${label(path)} is ${show(value)}: a ${type} must be a finite number`, 'NON_FINITE');
  if (numeric && typeof value === 'number' && !Number.isFinite(value))
    return fail(path, 'finite', `${label(path)} is ${value}: a ${type} must be a finite number`, 'NON_FINITE');
  switch (type) {
    case 'null':
      return value === null ? value : fail(path, 'type:null', `${label(path)} must be null, got ${show(value)}`);
    case 'boolean':
      return typeof value === 'boolean'
        ? value
        : fail(path, 'type:boolean', `${label(path)} must be true or false, got ${show(value)}`);
    case 'string':
      return typeof value === 'string'
        ? value
        : fail(path, 'type:string', `${label(path)} must be a string, got ${show(value)}`);
    case 'float':
    case 'double':
      return typeof value === 'number'
        ? value
        : fail(path, `type:${type}`, `${label(path)} must be a number, got ${show(value)} (strings are not coerced)`);
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return fail(path, 'type:int', `${label(path)} must be an integer, got ${show(value)}`);
      if (value < INT32_MIN || value > INT32_MAX)
        return fail(path, 'range:int', `${label(path)} is ${value}, outside the 32-bit int range`);
      return value;
    case 'long':
      if (logicalType === 'timestamp-millis' && typeof value === 'string') {
        const ms = parseIsoTimestamp(value);
        return ms === undefined
          ? fail(path, 'timestamp', `${label(path)} must be ISO-8601 with a zone or epoch ms, got ${show(value)}`)
          : ms;
      }
      if (typeof value !== 'number' || !Number.isInteger(value))
        return fail(path, 'type:long', `${label(path)} must be an integer, got ${show(value)}`);
      if (!Number.isSafeInteger(value))
        return fail(path, 'range:long', `${label(path)} is ${value}, beyond the exactly representable integers (2^53)`);
      return value;
    case 'bytes':
      return fail(path, 'unsupported:bytes', `${label(path)} is Avro bytes, which JSON payloads cannot carry`);
    default:
      return fail(path, 'unknown-type', `${label(path)} has an unknown schema type '${type}'`);
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
