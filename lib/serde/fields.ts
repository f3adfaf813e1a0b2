import type { AvroSchemaJson } from './avro-schema.js';

/** A physical range declared in a field's doc as `range: <min>..<max>` (either end may be open). */
export interface FieldRange {
  min?: number;
  max?: number;
}

/** A numeric measurement of a record: what the aggregator, detectors and sink work on. */
export interface NumericField {
  name: string;
  avroType: 'int' | 'long' | 'float' | 'double';
  /** Declared as a union with null: readings may omit it. */
  nullable: boolean;
  doc?: string;
  /** From `unit: <text>` in the doc, e.g. `°C`. */
  unit?: string;
  /** From `range: <min>..<max>` in the doc: the out-of-range detector's bounds. */
  range?: FieldRange;
}

/** A string or enum field: a candidate tag (InfluxDB tag, group-by key). */
export interface TagField {
  name: string;
  kind: 'string' | 'enum';
  nullable: boolean;
  symbols?: string[];
  doc?: string;
}

/**
 * What a record schema declares, found from the schema alone so a new sensor type needs no code.
 *
 * @example
 *   const { numeric } = discoverFields(loadSchemaFile('schemas/environment.avsc').json);
 *   numeric.map((f) => f.name); // ['temperature', 'humidity', 'pressure']
 *   numeric[0]?.range;          // { min: -40, max: 125 }
 */
export interface FieldCatalog {
  /** Full name of the record, e.g. `iotp.telemetry.EnvironmentReading`. */
  recordName: string;
  /** `deviceId` when the record has a string field of that name. */
  key?: string;
  /** The event-time field: `ts` if it is a timestamp-millis long, else the first such field. */
  time?: string;
  /** Top-level int/long/float/double fields (also nullable unions of one of them), in schema order; fields with a logical type (timestamps, decimals) are not measurements and are left out. */
  numeric: NumericField[];
  /** Top-level string and enum fields (also nullable), in schema order. */
  tags: TagField[];
}

type JsonObject = { [key: string]: unknown };

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const RANGE_RE = new RegExp(String.raw`\brange:\s*(${NUMBER})?\s*\.\.\s*(${NUMBER})?`);
const UNIT_RE = /\bunit:\s*([^;\n]+?)\s*(?:;|$)/;

/**
 * Parses `range: -40..125`, `range: 0..` or `range: ..100` from a doc string.
 *
 * @example
 *   parseDocRange('Air temperature. unit: °C; range: -40..125'); // { min: -40, max: 125 }
 */
export function parseDocRange(doc: string | undefined): FieldRange | undefined {
  if (!doc) return undefined;
  const m = RANGE_RE.exec(doc);
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  const range: FieldRange = {};
  if (m[1] !== undefined) range.min = Number(m[1]);
  if (m[2] !== undefined) range.max = Number(m[2]);
  return range;
}

/** Parses `unit: hPa` from a doc string (up to `;` or the end). */
export function parseDocUnit(doc: string | undefined): string | undefined {
  if (!doc) return undefined;
  return UNIT_RE.exec(doc)?.[1];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The non-null branch of `["null", T]` / `[T, "null"]`, with whether null was there. */
function unwrapNullable(type: unknown): { type: unknown; nullable: boolean } {
  if (Array.isArray(type)) {
    const others = type.filter((t) => t !== 'null');
    if (others.length === 1 && others.length < type.length) return { type: others[0], nullable: true };
  }
  return { type, nullable: false };
}

const NUMERIC = new Set(['int', 'long', 'float', 'double']);

function primitiveOf(type: unknown): { name: string; logicalType?: string; symbols?: string[] } | undefined {
  if (typeof type === 'string') return { name: type };
  if (isObject(type) && typeof type.type === 'string') {
    const out: { name: string; logicalType?: string; symbols?: string[] } = { name: type.type };
    if (typeof type.logicalType === 'string') out.logicalType = type.logicalType;
    if (Array.isArray(type.symbols)) out.symbols = type.symbols.filter((s): s is string => typeof s === 'string');
    return out;
  }
  return undefined;
}

/** Catalogs the top-level fields of a record schema (JSON, as in the .avsc file). */
export function discoverFields(schema: AvroSchemaJson): FieldCatalog {
  if (!isObject(schema) || schema.type !== 'record' || !Array.isArray(schema.fields)) {
    throw new TypeError('discoverFields needs a record schema');
  }
  const namespace = typeof schema.namespace === 'string' ? schema.namespace : undefined;
  const name = String(schema.name);
  const catalog: FieldCatalog = {
    recordName: name.includes('.') || !namespace ? name : `${namespace}.${name}`,
    numeric: [],
    tags: [],
  };
  const timestamps: string[] = [];
  for (const field of schema.fields) {
    if (!isObject(field) || typeof field.name !== 'string') continue;
    const doc = typeof field.doc === 'string' ? field.doc : undefined;
    const { type, nullable } = unwrapNullable(field.type);
    const prim = primitiveOf(type);
    if (!prim) continue;
    if (prim.logicalType === 'timestamp-millis' && prim.name === 'long') {
      if (!nullable) timestamps.push(field.name);
      continue;
    }
    if (prim.logicalType !== undefined) continue;
    if (NUMERIC.has(prim.name)) {
      const numeric: NumericField = {
        name: field.name,
        avroType: prim.name as NumericField['avroType'],
        nullable,
      };
      if (doc !== undefined) numeric.doc = doc;
      const unit = parseDocUnit(doc);
      if (unit !== undefined) numeric.unit = unit;
      const range = parseDocRange(doc);
      if (range !== undefined) numeric.range = range;
      catalog.numeric.push(numeric);
    } else if (prim.name === 'string' || prim.name === 'enum') {
      const tag: TagField = { name: field.name, kind: prim.name, nullable };
      if (prim.symbols) tag.symbols = prim.symbols;
      if (doc !== undefined) tag.doc = doc;
      catalog.tags.push(tag);
      if (field.name === 'deviceId' && prim.name === 'string' && !nullable) catalog.key = 'deviceId';
    }
  }
  const time = timestamps.includes('ts') ? 'ts' : timestamps[0];
  if (time !== undefined) catalog.time = time;
  return catalog;
}

/**
 * What the schema of an event route (e.g. a device's command status) must declare: `deviceId`
 * (the Kafka key) and `ts` (timestamp-millis event time); no measurement needed. Empty when it conforms.
 *
 * @example eventContractIssues(commandStatusSchema.json); // []
 */
export function eventContractIssues(schema: AvroSchemaJson): string[] {
  if (!isObject(schema) || schema.type !== 'record') return ['a routed schema must be a record'];
  const catalog = discoverFields(schema);
  const issues: string[] = [];
  if (catalog.key !== 'deviceId') issues.push('field "deviceId" must be a (non-null) string: it is the Kafka key');
  if (catalog.time !== 'ts') {
    issues.push('field "ts" must be {"type": "long", "logicalType": "timestamp-millis"} (event time, not nullable)');
  }
  return issues;
}

/**
 * What a reading schema must declare to be routed (DESIGN: a reading has `deviceId`, `ts` as
 * timestamp-millis event time, and at least one numeric measurement). Empty when it conforms.
 *
 * @example
 *   readingContractIssues(schema.json); // ['field "ts" must be {"type": "long", "logicalType": "timestamp-millis"}']
 */
export function readingContractIssues(schema: AvroSchemaJson): string[] {
  if (!isObject(schema) || schema.type !== 'record') return ['a reading schema must be a record'];
  const catalog = discoverFields(schema);
  const issues = eventContractIssues(schema);
  if (catalog.numeric.length === 0) issues.push('a reading needs at least one numeric (int/long/float/double) field');
  for (const f of catalog.numeric) {
    if (f.range && f.range.min !== undefined && f.range.max !== undefined && f.range.min > f.range.max) {
      issues.push(`field "${f.name}": range ${f.range.min}..${f.range.max} is empty (min > max)`);
    }
  }
  return issues;
}
