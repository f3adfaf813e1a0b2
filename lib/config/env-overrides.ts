import YAML from 'yaml';
import { LEGACY_ENV_KEYS } from './legacy-env.js';

/** Prefix of override variables: `IOTP_<SECTION>__<KEY>[__<KEY>...]`. */
export const ENV_PREFIX = 'IOTP_';

/** `BATCH_SIZE` -> `batchSize`; `0` stays `0` (an array index). */
export function envSegmentToKey(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `['sink', 'batchSize']` -> `IOTP_SINK__BATCH_SIZE`; array indexes stay numbers. */
export function envVarForPath(path: (string | number)[]): string {
  return (
    ENV_PREFIX +
    path
      .map((p) => (typeof p === 'number' ? String(p) : p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()))
      .join('__')
  );
}

/** One override taken from the environment. */
export interface EnvOverride {
  variable: string;
  path: (string | number)[];
  value: unknown;
}

function parseValue(text: string): unknown {
  try {
    return YAML.parse(text) ?? text;
  } catch {
    return text;
  }
}

/**
 * The overrides in `env`: every `IOTP_<SECTION>__<KEY>...` variable (`__` separates levels;
 * SCREAMING_SNAKE becomes camelCase; a number is an array index). Values are YAML, so
 * `IOTP_KAFKA__TOPICS__PARTITIONS=8` is the number 8 and `IOTP_KAFKA__BROKERS=[a:1, b:2]` a list.
 * The deprecated names of legacy-env.ts (e.g. SINK_LAG_INTERVAL_MS) override their keys too.
 *
 * @example
 *   envOverrides({ IOTP_SINK__BATCH_SIZE: '1000' }) // [{ variable: 'IOTP_SINK__BATCH_SIZE', path: ['sink', 'batchSize'], value: 1000 }]
 */
export function envOverrides(env: Record<string, string | undefined>): EnvOverride[] {
  const out: EnvOverride[] = [];
  for (const [variable, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!variable.startsWith(ENV_PREFIX) || !variable.includes('__') || raw === undefined) continue;
    const segments = variable.slice(ENV_PREFIX.length).split('__');
    if (segments.some((s) => s.length === 0)) continue;
    const path = segments.map((s) => (/^\d+$/.test(s) ? Number(s) : envSegmentToKey(s)));
    out.push({ variable, path, value: parseValue(raw) });
  }
  const taken = new Set(out.map((o) => o.path.join('.')));
  const legacy: EnvOverride[] = [];
  for (const [variable, path] of Object.entries(LEGACY_ENV_KEYS)) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '' || taken.has(path.join('.'))) continue;
    legacy.push({
      variable: `${variable} (deprecated: ${envVarForPath([...path])})`,
      path: [...path],
      value: parseValue(raw),
    });
  }
  // Legacy names first, so that an IOTP_ variable of the same key would win even if both applied.
  return [...legacy, ...out];
}

/** Writes overrides into a (plain JSON) tree, creating objects and arrays on the way. */
export function applyOverrides(tree: unknown, overrides: EnvOverride[]): Record<string, unknown> {
  const root: Record<string, unknown> =
    tree !== null && typeof tree === 'object' && !Array.isArray(tree)
      ? structuredClone(tree as Record<string, unknown>)
      : {};
  for (const { path, value } of overrides) {
    let node: Record<string | number, unknown> = root;
    path.forEach((key, i) => {
      if (i === path.length - 1) {
        node[key] = value;
        return;
      }
      const next = node[key];
      if (next === null || typeof next !== 'object') node[key] = typeof path[i + 1] === 'number' ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    });
  }
  return root;
}
