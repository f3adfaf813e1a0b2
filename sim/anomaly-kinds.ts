import { ConfigError } from '../lib/errors.js';

/**
 * What the simulator injects. The first five are the detector's kinds (schemas/anomaly.avsc);
 * MISSING is a silent device (it stops publishing for a while); MALFORMED is a payload the MQTT
 * source must dead-letter.
 */
export const ANOMALY_KINDS = ['SPIKE', 'DIP', 'LEVEL_SHIFT', 'STUCK', 'MISSING', 'MALFORMED'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/**
 * How a MALFORMED payload is broken, and the dead-letter reason the connector gives it:
 * - invalid-json: the JSON text cut short (INVALID_JSON); in a gateway batch the whole array is cut.
 * - nan-string: a field is the string "NaN" (NON_FINITE).
 * - wrong-type: a field is a numeric string, e.g. "21.5" (SCHEMA_VIOLATION: strings are not coerced).
 */
export const MALFORMED_VARIANTS = ['invalid-json', 'nan-string', 'wrong-type'] as const;
export type MalformedVariant = (typeof MALFORMED_VARIANTS)[number];

/** The dead-letter reason the MQTT source gives each variant (connectors/mqtt-source). */
export const EXPECTED_DEAD_LETTER_REASON: Readonly<Record<MalformedVariant, string>> = {
  'invalid-json': 'INVALID_JSON',
  'nan-string': 'NON_FINITE',
  'wrong-type': 'SCHEMA_VIOLATION',
};

const ALIASES: Readonly<Record<string, AnomalyKind>> = {
  spike: 'SPIKE',
  dip: 'DIP',
  'level-shift': 'LEVEL_SHIFT',
  level_shift: 'LEVEL_SHIFT',
  shift: 'LEVEL_SHIFT',
  stuck: 'STUCK',
  missing: 'MISSING',
  silent: 'MISSING',
  malformed: 'MALFORMED',
};

/** Parses `spike,dip,silent,...` (case-insensitive; `all` = every kind). */
export function parseAnomalyKinds(text: string, key = 'anomalyKinds'): AnomalyKind[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.length === 1 && names[0] === 'all') return [...ANOMALY_KINDS];
  if (names.length === 0) throw new ConfigError(key, `expected a list of ${Object.keys(ALIASES).join(', ')} or 'all'`);
  const kinds = names.map((name) => {
    const kind = ALIASES[name];
    if (!kind)
      throw new ConfigError(
        key,
        `unknown anomaly kind '${name}' (expected ${Object.keys(ALIASES).join(', ')} or 'all')`,
      );
    return kind;
  });
  return [...new Set(kinds)];
}
