import { IotpError } from '../../lib/errors.js';
import type { FieldValue, Point } from './point.js';

/**
 * InfluxDB line protocol, as InfluxDB 1.8 parses it (checked against the real server, see
 * line-protocol.test.ts and test/integration/sink-writers.test.ts):
 * - measurement: `,` and space are escaped with `\`;
 * - tag keys, tag values, field keys: `,`, `=` and space are escaped with `\`;
 * - string field values: in double quotes, `"` and `\` escaped with `\`; newlines are kept as is;
 * - a backslash in a name is written literally: 1.x does not unescape `\\` in names, so a backslash
 *   directly before `,` `=` space or at the end of a name cannot be represented, and neither can
 *   a newline or a carriage return: such names are rejected with SINK_UNREPRESENTABLE_NAME (the
 *   record goes to the dead-letter topic) instead of being silently altered;
 * - a measurement starting with `#` would make the line a comment (skipped with a 204), and the
 *   tag or field key `time` is refused by InfluxDB: both are rejected here too.
 */
export type NameRole = 'measurement' | 'tag key' | 'tag value' | 'field key';

const MEASUREMENT_SPECIALS = /[, ]/g;
const KEY_SPECIALS = /[,= ]/g;

function assertRepresentable(name: string, role: NameRole): void {
  if (name === '') throw unrepresentable(name, role, 'is empty');
  if (/[\n\r]/.test(name)) throw unrepresentable(name, role, 'contains a newline or carriage return');
  if (/\\([,= ]|$)/.test(name)) {
    throw unrepresentable(name, role, 'has a backslash before a comma, equals sign, space or the end');
  }
  // A line starting with # is a comment: InfluxDB would skip the point and answer 204.
  if (role === 'measurement' && name.startsWith('#')) throw unrepresentable(name, role, 'starts with #');
  if ((role === 'tag key' || role === 'field key') && name === 'time') throw unrepresentable(name, role, 'is reserved');
}

function unrepresentable(name: string, role: NameRole, why: string): IotpError {
  return new IotpError(
    'SINK_UNREPRESENTABLE_NAME',
    `${role} ${JSON.stringify(name)} ${why}: InfluxDB cannot store it`,
    {
      context: { role },
    },
  );
}

/**
 * Escaped names by role, bounded: measurements, tag keys and field keys are few, tag values
 * (device ids) as many as the devices a replica sees. A hit skips the checks' regular expressions
 * and the replace (the largest cost of a line). Names that cannot be represented are never cached.
 */
const MAX_CACHED_NAMES = 20_000;
const escaped: Record<NameRole, Map<string, string>> = {
  measurement: new Map(),
  'tag key': new Map(),
  'tag value': new Map(),
  'field key': new Map(),
};

function escapeCached(name: string, role: NameRole, specials: RegExp): string {
  const cache = escaped[role];
  let out = cache.get(name);
  if (out === undefined) {
    assertRepresentable(name, role);
    out = name.replace(specials, '\\$&');
    if (cache.size < MAX_CACHED_NAMES) cache.set(name, out);
  }
  return out;
}

/** Escapes a measurement name. @throws IotpError SINK_UNREPRESENTABLE_NAME */
export function escapeMeasurement(name: string): string {
  return escapeCached(name, 'measurement', MEASUREMENT_SPECIALS);
}

/** Escapes a tag key, tag value or field key. @throws IotpError SINK_UNREPRESENTABLE_NAME */
export function escapeKey(name: string, role: Exclude<NameRole, 'measurement'>): string {
  return escapeCached(name, role, KEY_SPECIALS);
}

/** A double-quoted string field value. */
export function quoteString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** Encodes one field value; non-finite floats and unsafe integers are refused (InfluxDB cannot store them). */
export function formatFieldValue(field: FieldValue, key: string): string {
  switch (field.kind) {
    case 'float':
      if (!Number.isFinite(field.value)) {
        throw new IotpError('SINK_NON_FINITE_FIELD', `field ${JSON.stringify(key)} is ${field.value}`, {
          context: { field: key },
        });
      }
      return String(field.value);
    case 'integer':
      if (typeof field.value === 'number' && !Number.isSafeInteger(field.value)) {
        throw new IotpError(
          'SINK_BAD_INTEGER_FIELD',
          `field ${JSON.stringify(key)} is not a safe integer: ${field.value}`,
          {
            context: { field: key },
          },
        );
      }
      return `${field.value}i`;
    case 'boolean':
      return field.value ? 'true' : 'false';
    case 'string':
      return quoteString(field.value);
  }
}

/**
 * One line of line protocol (no trailing newline), timestamp in ms. Tags are sorted by key (what
 * InfluxDB recommends for speed) and tags with an empty value are left out.
 *
 * @example
 *   encodePoint({ measurement: 'environment', tags: { deviceId: 'd 1' },
 *     fields: { t: { kind: 'float', value: 21.5 } }, timestampMs: 1000 });
 *   // 'environment,deviceId=d\ 1 t=21.5 1000'
 * @throws IotpError SINK_UNREPRESENTABLE_NAME, SINK_NO_FIELDS, SINK_NON_FINITE_FIELD, SINK_BAD_TIMESTAMP
 */
export function encodePoint(point: Point): string {
  // The pieces are joined once at the end: one flat string per line, where `+=` left a tree of
  // concatenations per line that lived (and was copied by the GC) until the batch was joined.
  const parts: string[] = [escapeMeasurement(point.measurement)];
  const tags = point.tags;
  const keys = Object.keys(tags);
  if (keys.length > 1) keys.sort();
  for (const key of keys) {
    const value = tags[key];
    if (value === undefined || value === '') continue;
    parts.push(',', escapeKey(key, 'tag key'), '=', escapeKey(value, 'tag value'));
  }
  let fieldCount = 0;
  for (const key in point.fields) {
    if (!Object.hasOwn(point.fields, key)) continue;
    const value = point.fields[key] as FieldValue;
    parts.push(fieldCount++ === 0 ? ' ' : ',', escapeKey(key, 'field key'), '=', formatFieldValue(value, key));
  }
  if (fieldCount === 0) {
    throw new IotpError('SINK_NO_FIELDS', `point of ${JSON.stringify(point.measurement)} has no field`, {
      context: { measurement: point.measurement },
    });
  }
  if (!Number.isSafeInteger(point.timestampMs)) {
    throw new IotpError('SINK_BAD_TIMESTAMP', `timestamp ${point.timestampMs} is not an integer number of ms`, {
      context: { measurement: point.measurement },
    });
  }
  parts.push(' ', String(point.timestampMs));
  return parts.join('');
}
