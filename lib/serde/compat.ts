import type { Type } from 'avsc';

/** The registry's compatibility levels (Confluent names; Apicurio's ccompat API uses the same). */
export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** Why a reader schema cannot read data of a writer schema, at one place. */
export interface ResolutionIssue {
  /** Dotted path from the top-level type, e.g. `EnvironmentReading.temperature`. */
  path: string;
  /** The field concerned (last record field on the path), or '' at the top. */
  field: string;
  reason: string;
}

/**
 * An incompatibility of a candidate schema with a registered version: `backward` means the
 * candidate (as reader) cannot read data written with that version; `forward` means that version
 * (as reader) cannot read data written with the candidate.
 */
export interface CompatIssue extends ResolutionIssue {
  direction: 'backward' | 'forward';
  /** Index into the `previous` array the candidate was checked against. */
  against: number;
}

export interface CompatResult {
  compatible: boolean;
  issues: CompatIssue[];
}

interface AnyType {
  typeName: string;
  name?: string;
  aliases?: string[];
  types?: AnyType[];
  fields?: { name: string; aliases?: string[]; type: AnyType; defaultValue(): unknown }[];
  symbols?: string[];
  default?: string;
  size?: number;
  itemsType?: AnyType;
  valuesType?: AnyType;
}

const PROMOTIONS: Record<string, string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

const isUnion = (t: AnyType) => t.typeName.startsWith('union');
const isRecord = (t: AnyType) => t.typeName === 'record' || t.typeName === 'error';
const short = (name: string | undefined) => (name ?? '').split('.').pop() ?? '';

function label(t: AnyType): string {
  if (isUnion(t)) return `union [${(t.types ?? []).map(label).join(', ')}]`;
  if (t.name) return `${t.typeName} ${short(t.name)}`;
  if (t.typeName === 'array') return `array<${label(t.itemsType as AnyType)}>`;
  if (t.typeName === 'map') return `map<${label(t.valuesType as AnyType)}>`;
  return t.typeName;
}

/** Named types match on their unqualified name or one of the reader's aliases (Avro spec). */
function namesMatch(reader: AnyType, writer: AnyType): boolean {
  const w = short(writer.name);
  return short(reader.name) === w || (reader.aliases ?? []).some((a) => short(a) === w);
}

/** The spec's shallow "schemas match" test (used to pick a reader union branch). */
function matches(reader: AnyType, writer: AnyType): boolean {
  if (reader.typeName === writer.typeName) {
    if (isRecord(reader) || reader.typeName === 'enum') return namesMatch(reader, writer);
    if (reader.typeName === 'fixed') return namesMatch(reader, writer) && reader.size === writer.size;
    return true;
  }
  return (PROMOTIONS[writer.typeName] ?? []).includes(reader.typeName);
}

function resolve(reader: AnyType, writer: AnyType, path: string, field: string, seen: Set<string>): ResolutionIssue[] {
  const issue = (reason: string): ResolutionIssue[] => [{ path, field, reason }];
  if (isUnion(writer)) {
    const out: ResolutionIssue[] = [];
    for (const branch of writer.types ?? []) out.push(...resolve(reader, branch, path, field, seen));
    return out;
  }
  if (isUnion(reader)) {
    const branch = (reader.types ?? []).find((r) => matches(r, writer));
    if (!branch) {
      return issue(`the writer's ${label(writer)} matches no branch of the reader's ${label(reader)}`);
    }
    return resolve(branch, writer, path, field, seen);
  }
  if (!matches(reader, writer)) {
    if (reader.typeName === writer.typeName && reader.name !== undefined) {
      return issue(
        `the reader's ${label(reader)} does not match the writer's ${label(writer)} (rename it back or add the old name to "aliases")`,
      );
    }
    return issue(`type changed: the reader expects ${label(reader)} but the writer wrote ${label(writer)}`);
  }
  switch (reader.typeName) {
    case 'record':
    case 'error':
      return resolveRecord(reader, writer, path, seen);
    case 'enum': {
      const known = new Set(reader.symbols ?? []);
      const unknown = (writer.symbols ?? []).filter((s) => !known.has(s));
      if (unknown.length === 0 || reader.default !== undefined) return [];
      return issue(
        `enum ${short(reader.name)}: the writer's symbol(s) ${unknown.join(', ')} are unknown to the reader, which has no "default" symbol`,
      );
    }
    case 'array':
      return resolve(reader.itemsType as AnyType, writer.itemsType as AnyType, `${path}[]`, field, seen);
    case 'map':
      return resolve(reader.valuesType as AnyType, writer.valuesType as AnyType, `${path}{}`, field, seen);
    default:
      return [];
  }
}

function resolveRecord(reader: AnyType, writer: AnyType, path: string, seen: Set<string>): ResolutionIssue[] {
  const key = `${reader.name}<-${writer.name}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const writerFields = new Map((writer.fields ?? []).map((f) => [f.name, f]));
  const matched = new Set<string>();
  const out: ResolutionIssue[] = [];
  const missing: { name: string; type: AnyType }[] = [];
  for (const rf of reader.fields ?? []) {
    const wf = [rf.name, ...(rf.aliases ?? [])].map((n) => writerFields.get(n)).find((f) => f !== undefined);
    const fieldPath = `${path}.${rf.name}`;
    if (wf) {
      matched.add(wf.name);
      out.push(...resolve(rf.type, wf.type, fieldPath, rf.name, seen));
    } else if (rf.defaultValue() === undefined) {
      missing.push({ name: rf.name, type: rf.type });
    }
  }
  const unmatched = (writer.fields ?? []).filter((f) => !matched.has(f.name));
  for (const m of missing) {
    const renamedFrom = unmatched.find((w) => label(w.type) === label(m.type)) ?? unmatched[0];
    const hint = renamedFrom
      ? `; if it was renamed from "${renamedFrom.name}", add "aliases": ["${renamedFrom.name}"] to it`
      : '';
    out.push({
      path: `${path}.${m.name}`,
      field: m.name,
      reason: `field "${m.name}" has no default and the writer's ${short(writer.name)} does not have it${hint}`,
    });
  }
  seen.delete(key);
  return out;
}

/**
 * Why `reader` cannot read data written with `writer` (Avro schema resolution rules, as avsc's
 * `createResolver` applies them); empty when it can.
 *
 * @example
 *   readerIssues(v2Type, v1Type);
 *   // [{ path: 'EnvironmentReading.co2', field: 'co2', reason: 'field "co2" has no default and ...' }]
 */
export function readerIssues(reader: Type, writer: Type): ResolutionIssue[] {
  const r = reader as unknown as AnyType;
  return resolve(r, writer as unknown as AnyType, short(r.name) || r.typeName, '', new Set());
}

/**
 * Checks a candidate schema against the registered versions (oldest first) for a compatibility
 * level, explaining every problem (the registry answers only yes or no). Non-transitive levels
 * check the latest version only.
 *
 * @example
 *   const { compatible, issues } = checkCompatibility('BACKWARD', candidate, [v1, v2]);
 *   if (!compatible) console.log(issues.map((i) => `${i.field}: ${i.reason}`));
 */
export function checkCompatibility(level: CompatibilityLevel, candidate: Type, previous: Type[]): CompatResult {
  if (level === 'NONE' || previous.length === 0) return { compatible: true, issues: [] };
  const transitive = level.endsWith('_TRANSITIVE');
  const base = level.replace('_TRANSITIVE', '');
  const indices = transitive ? previous.map((_, i) => i) : [previous.length - 1];
  const issues: CompatIssue[] = [];
  for (const i of indices) {
    const old = previous[i] as Type;
    if (base === 'BACKWARD' || base === 'FULL') {
      for (const x of readerIssues(candidate, old)) issues.push({ ...x, direction: 'backward', against: i });
    }
    if (base === 'FORWARD' || base === 'FULL') {
      for (const x of readerIssues(old, candidate)) issues.push({ ...x, direction: 'forward', against: i });
    }
  }
  return { compatible: issues.length === 0, issues };
}

/** `BACKWARD` etc. from any casing; undefined when not a level. */
export function parseCompatibilityLevel(value: string | undefined): CompatibilityLevel | undefined {
  const upper = value?.toUpperCase();
  return COMPATIBILITY_LEVELS.find((l) => l === upper);
}
