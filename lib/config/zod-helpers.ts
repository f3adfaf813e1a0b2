import { z } from 'zod';
import { parseDuration } from './duration.js';

/**
 * A duration setting: `500ms`, `30s`, `1m`, `1h`, `1d` or a number of ms; parsed to ms.
 * Use `.prefault('30s')` for the default (zod 4's `.default` would skip the parsing).
 *
 * @example z.object({ grace: duration().prefault('30s') }).parse({}) // { grace: 30000 }
 */
export function duration() {
  return z
    .union([z.number(), z.string()], { error: 'expected a duration like 500ms, 30s, 1m, 1h or a number of ms' })
    .meta({ 'x-type': 'duration' })
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `expected a duration like 500ms, 30s, 1m, 1h or a number of ms, got ${JSON.stringify(value)}`,
        });
        return z.NEVER;
      }
      return ms;
    });
}

const TOPIC_RE = /^[A-Za-z0-9._-]{1,249}$/;

/** A Kafka topic name (letters, digits, `.`, `_`, `-`; at most 249). */
export function topicName() {
  return z
    .string()
    .regex(TOPIC_RE, { error: 'expected a Kafka topic name: 1-249 of A-Z a-z 0-9 . _ -' })
    .refine((t) => t !== '.' && t !== '..', { error: 'a topic cannot be named . or ..' });
}

/**
 * A secret (password, token). In the YAML file it must be an environment reference such as
 * `${INFLUX_TOKEN}`, never the secret itself (the loader enforces it before interpolation).
 */
export function secret() {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
  return z.string().meta({ 'x-type': 'secret (${ENV} reference)' });
}

/** Names of keys that hold secrets: their YAML values must be `${ENV}` references. */
export const SECRET_KEYS = new Set(['password', 'token', 'secret', 'secretaccesskey']);

/** A comma-separated string or a list of strings, trimmed, empty items dropped. */
export function stringList() {
  return z
    .union([z.string(), z.array(z.string())], { error: 'expected a list of strings or a comma-separated string' })
    .meta({ 'x-type': 'list of strings (or a, b, c)' })
    .transform((value) =>
      (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter((s) => s.length > 0),
    );
}
