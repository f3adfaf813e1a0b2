import { ConfigError } from '../lib/errors.js';

/**
 * What the simulator injects (ground truth only: the detectors' kinds are schemas/anomaly.avsc's,
 * and a detector may well report a DRIFT as a LEVEL_SHIFT):
 * - SPIKE, DIP: one reading far above / below normal.
 * - LEVEL_SHIFT: a constant offset for a while. STUCK: the value frozen for a while.
 * - DRIFT: a slow linear ramp away from normal over tens of readings, its last reading at a clearly
 *   abnormal offset; the next reading is normal again (a recalibration).
 * - NOISE_BURST: noise several times the device's usual for a while.
 * - MISSING: a dropout, the device stops publishing for a while.
 * - MALFORMED: a payload the MQTT source must dead-letter.
 * Sizes and lengths: anomaly-magnitudes.ts and anomaly-injector.ts.
 */
export const ANOMALY_KINDS = [
  'SPIKE',
  'DIP',
  'LEVEL_SHIFT',
  'STUCK',
  'MISSING',
  'MALFORMED',
  'DRIFT',
  'NOISE_BURST',
] as const;
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
  dropout: 'MISSING',
  malformed: 'MALFORMED',
  drift: 'DRIFT',
  'noise-burst': 'NOISE_BURST',
  noise_burst: 'NOISE_BURST',
  noise: 'NOISE_BURST',
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
