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

/** Escapes a measurement name. @throws IotpError SINK_UNREPRESENTABLE_NAME */
export function escapeMeasurement(name: string): string {
  assertRepresentable(name, 'measurement');
  return name.replace(MEASUREMENT_SPECIALS, '\\$&');
}

/** Escapes a tag key, tag value or field key. @throws IotpError SINK_UNREPRESENTABLE_NAME */
export function escapeKey(name: string, role: Exclude<NameRole, 'measurement'>): string {
  assertRepresentable(name, role);
  return name.replace(KEY_SPECIALS, '\\$&');
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
  let line = escapeMeasurement(point.measurement);
  for (const key of Object.keys(point.tags).sort()) {
    const value = point.tags[key];
    if (value === undefined || value === '') continue;
    line += `,${escapeKey(key, 'tag key')}=${escapeKey(value, 'tag value')}`;
  }
  const fields: string[] = [];
  for (const [key, value] of Object.entries(point.fields)) {
    fields.push(`${escapeKey(key, 'field key')}=${formatFieldValue(value, key)}`);
  }
  if (fields.length === 0) {
    throw new IotpError('SINK_NO_FIELDS', `point of ${JSON.stringify(point.measurement)} has no field`, {
      context: { measurement: point.measurement },
    });
  }
  if (!Number.isSafeInteger(point.timestampMs)) {
    throw new IotpError('SINK_BAD_TIMESTAMP', `timestamp ${point.timestampMs} is not an integer number of ms`, {
      context: { measurement: point.measurement },
    });
  }
  return `${line} ${fields.join(',')} ${point.timestampMs}`;
}
