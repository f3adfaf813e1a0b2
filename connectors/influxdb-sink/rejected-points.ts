import type { FieldKind, Point } from './point.js';

/**
 * Finds the points InfluxDB refused, from its 400 error text. What InfluxDB 1.8.10 answers (seen on
 * the real server, same text on /write and /api/v2/write; 2.x wraps the same text in its JSON):
 * - `partial write: field type conflict: input field "v" on measurement "m" is type float, already
 *   exists as type integer dropped=2`: every point of `m` whose `v` has the input type was dropped,
 *   the rest written; only the FIRST conflict is named, `dropped` counts all of them;
 * - `field type conflict` alone: the batch itself mixes two types for a new field; NOTHING was written;
 * - `[partial write: ]unable to parse '<line>': <reason>` one per bad line, joined by newlines;
 * - `partial write: invalid field name: input field "time" on measurement "m" is invalid dropped=1`,
 *   and `invalid tag key: input tag "time" ...` likewise;
 * - `partial write: points beyond retention policy dropped=N`: not named.
 * What is not named is found by the caller by splitting the batch (writes are idempotent).
 *
 * @example
 *   findRejected(points, lines, 'partial write: field type conflict: input field "v" on measurement "m" is type float, ...');
 *   // -> indexes of the points of m with a float v
 */
export function findRejected(points: readonly Point[], lines: readonly string[], message: string): number[] {
  const found = new Set<number>();
  for (const m of message.matchAll(CONFLICT)) {
    const [, field, measurement, type] = m;
    if (field === undefined || measurement === undefined || type === undefined) continue;
    const kind = KIND_BY_NAME[type];
    points.forEach((p, i) => {
      if (p.measurement === measurement && kind !== undefined && p.fields[field]?.kind === kind) found.add(i);
    });
  }
  for (const m of message.matchAll(INVALID_NAME)) {
    const [, what, name, measurement] = m;
    points.forEach((p, i) => {
      if (p.measurement !== measurement || name === undefined) return;
      if (what === 'field' ? name in p.fields : name in p.tags) found.add(i);
    });
  }
  if (message.includes('unable to parse')) {
    lines.forEach((line, i) => {
      if (message.includes(`unable to parse '${line}'`)) found.add(i);
    });
  }
  return [...found].sort((a, b) => a - b);
}

const CONFLICT =
  /field type conflict: input field "(.*?)" on measurement "(.*?)" is type (\w+), already exists as type \w+/g;
const INVALID_NAME = /invalid (field|tag) (?:name|key): input (?:field|tag) "(.*?)" on measurement "(.*?)" is invalid/g;

const KIND_BY_NAME: Record<string, FieldKind> = {
  float: 'float',
  integer: 'integer',
  boolean: 'boolean',
  string: 'string',
};
