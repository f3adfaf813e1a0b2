import type { Type } from 'avsc';

/** One reason a value does not match its schema. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `fields.temperature.mean`; empty for the top-level value. */
  path: string;
  /** The rule broken, in words, e.g. `expected null or double`. */
  rule: string;
  /** The offending value, as JSON (truncated). */
  actual: string;
}

/** Human name of what an Avro type accepts. */
export function describeType(type: Type): string {
  const t = type as Type & { symbols?: string[]; types?: Type[]; size?: number };
  switch (type.typeName) {
    case 'int':
      return 'an int (32-bit integer)';
    case 'long':
      return 'a long (integer, |x| <= 2^53)';
    case 'float':
    case 'double':
      return `a ${type.typeName} (number)`;
    case 'enum':
      return `one of ${(t.symbols ?? []).join(', ')}`;
    case 'fixed':
      return `a Buffer of ${t.size ?? '?'} bytes`;
    case 'union:unwrapped':
    case 'union:wrapped':
      return (t.types ?? []).map((b) => (b.typeName === 'null' ? 'null' : describeType(b))).join(' or ');
    case 'record':
    case 'error':
      return `a ${type.name ?? 'record'} object`;
    case 'map':
      return 'an object of values';
    case 'array':
      return 'an array';
    default:
      return `a ${type.typeName}`;
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Every place where `value` breaks `type`, deepest first as avsc reports them.
 * `noUndeclaredFields` also reports properties the record does not declare.
 *
 * @example
 *   validationIssues(envType, { deviceId: 'd1', ts: 'now' })
 *   // [{ path: 'ts', rule: 'expected a long (integer, |x| <= 2^53)', actual: '"now"' }]
 */
export function validationIssues(
  type: Type,
  value: unknown,
  options: { noUndeclaredFields?: boolean } = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  type.isValid(value, {
    noUndeclaredFields: options.noUndeclaredFields ?? false,
    errorHook: (path, val, t) => {
      const isRecord = t.typeName === 'record' || t.typeName === 'error';
      if (isRecord && val !== null && typeof val === 'object' && !Array.isArray(val)) {
        const declared = new Set(((t as Type & { fields?: { name: string }[] }).fields ?? []).map((f) => f.name));
        const extra = Object.keys(val).filter((k) => !declared.has(k));
        issues.push({
          path: path.join('.'),
          rule: `undeclared field(s) ${extra.join(', ')} (the schema declares ${[...declared].join(', ')})`,
          actual: show(val),
        });
        return;
      }
      const rule =
        val === undefined ? `required: ${describeType(t)} (the field has no default)` : `expected ${describeType(t)}`;
      issues.push({ path: path.join('.'), rule, actual: show(val) });
    },
  });
  return issues;
}

/** One line naming every issue: `ts: expected a long ..., got "now"; humidity: ...`. */
export function formatIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.path || '(value)'}: ${i.rule}, got ${i.actual}`).join('; ');
}
