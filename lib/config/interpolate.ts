import YAML from 'yaml';
import { SECRET_KEYS } from './zod-helpers.js';

/** A problem found while interpolating, at a config path. */
export interface PathProblem {
  path: (string | number)[];
  message: string;
}

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

/**
 * A string that is exactly one `${VAR}` becomes the YAML scalar of its value (so `4` is a number);
 * an empty value removes the key (an unset optional setting).
 */
function scalar(text: string): unknown {
  if (text === '') return undefined;
  try {
    const parsed: unknown = YAML.parse(text);
    return typeof parsed === 'object' && parsed !== null ? text : parsed;
  } catch {
    return text;
  }
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree with values from
 * `env`. A string that is a single reference takes the value's YAML type (`${PARTITIONS:-4}` is
 * the number 4; an empty value drops the key). A variable that is unset and has no default is a problem at that path.
 *
 * @example
 *   interpolate({ url: '${INFLUX_URL:-http://localhost:8086}' }, {}).value // { url: 'http://localhost:8086' }
 */
export function interpolate(
  tree: unknown,
  env: Record<string, string | undefined>,
): { value: unknown; problems: PathProblem[] } {
  const problems: PathProblem[] = [];
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      const lookup = (name: string, fallback: string | undefined): string => {
        const value = env[name];
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        problems.push({
          path,
          message: `environment variable ${name} is not set (write \${${name}:-<default>} for a default)`,
        });
        return '';
      };
      const whole = WHOLE_REF.exec(node);
      if (whole?.[1]) return scalar(lookup(whole[1], whole[2]));
      return node.replace(REF, (_, name: string, fallback: string | undefined) => lookup(name, fallback));
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node)
          .map(([k, v]) => [k, walk(v, [...path, k])])
          .filter(([, v]) => v !== undefined),
      );
    }
    return node;
  };
  return { value: walk(tree, []), problems };
}

/**
 * Secrets (keys named password, token, secret, secretAccessKey) must come from the environment: in the file
 * their value is `${VAR}` (or `${VAR:-}`), never the secret itself.
 *
 * @example secretsInFile({ sink: { influx: { token: 'abc' } } }) // [{ path: ['sink', 'influx', 'token'], ... }]
 */
export function secretsInFile(tree: unknown): PathProblem[] {
  const problems: PathProblem[] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, [...path, i]);
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (SECRET_KEYS.has(k.toLowerCase()) && v !== null && v !== undefined && v !== '') {
          const ref = typeof v === 'string' ? WHOLE_REF.exec(v) : null;
          if (!ref || (ref[2] !== undefined && ref[2] !== '')) {
            problems.push({
              path: [...path, k],
              message: `expected an environment reference like \${${k.toUpperCase()}}: secrets never live in the config file`,
            });
          }
        } else {
          walk(v, [...path, k]);
        }
      }
    }
  };
  walk(tree, []);
  return problems;
}
