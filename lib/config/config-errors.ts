import type { z } from 'zod';
import { ConfigError } from '../errors.js';

/** `['routes', 0, 'mqtt']` -> `routes[0].mqtt`. */
export function formatKey(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** One problem of a config, ready to print. */
export interface ConfigProblem {
  key: string;
  message: string;
}

interface LooseDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (t: z.ZodType): LooseDef => (t as unknown as { _zod: { def: LooseDef } })._zod.def;

function unwrap(t: z.ZodType): z.ZodType {
  let current = t;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!next) return current;
    current = next;
  }
  return current;
}

/** The keys an object schema accepts at `path` (through defaults, optionals, arrays, records). */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let node = unwrap(schema);
  for (const p of path) {
    const def = defOf(node);
    if (def.type === 'object' && def.shape && typeof p === 'string' && def.shape[p]) node = unwrap(def.shape[p]);
    else if (def.type === 'array' && def.element) node = unwrap(def.element);
    else if (def.type === 'record' && def.valueType) node = unwrap(def.valueType);
    else return undefined;
  }
  const def = defOf(node);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

function valueAt(tree: unknown, path: readonly PropertyKey[]): unknown {
  let node = tree;
  for (const p of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[p];
  }
  return node;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  return candidates.find(
    (c) => c.toLowerCase() === lower || c.toLowerCase().replace(/_/g, '') === lower.replace(/_/g, ''),
  );
}

/**
 * Turns zod issues into problems that name the key, the expected value and what was found;
 * `where(path)` may add a location (file:line or the env variable that set the value).
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  schema: z.ZodType,
  where: (path: readonly PropertyKey[]) => string | undefined = () => undefined,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAt(schema, issue.path) ?? [];
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const hint = closest(key, allowed);
        const loc = where(path);
        out.push({
          key: formatKey(path),
          message: `unknown key${loc ? ` (${loc})` : ''}: expected one of ${allowed.join(', ')}${hint ? ` (did you mean ${hint}?)` : ''}`,
        });
      }
      continue;
    }
    const got = valueAt(input, issue.path);
    const loc = where(issue.path);
    const found = got === undefined ? 'it is missing' : `got ${show(got)}`;
    const message = issue.message.includes(', got ') ? issue.message : `${issue.message}; ${found}`;
    out.push({ key: formatKey(issue.path), message: `${loc ? `(${loc}) ` : ''}${message}` });
  }
  return out;
}

/** One ConfigError for the first problem; its message lists every problem. */
export function configErrorOf(problems: ConfigProblem[]): ConfigError {
  const [first, ...rest] = problems;
  if (!first) return new ConfigError('(config)', 'invalid configuration');
  const more = rest.length > 0 ? `\n${rest.map((p) => `  ${p.key}: ${p.message}`).join('\n')}` : '';
  return new ConfigError(first.key, `${first.message}${more}`, { context: { problems: problems.length } });
}
