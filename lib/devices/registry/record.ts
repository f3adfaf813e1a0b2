import type { DetectorOverride, Device, FieldLimit } from '../../../schemas/generated/device.js';
import { deviceIdProblem } from '../device-id.js';

/**
 * One device of the registry (`telemetry.devices`, schemas/device.avsc): site, model, firmware,
 * the leaves it may speak for as a gateway, tags, per-field limits and detector overrides.
 */
export type DeviceRecord = Device;
export type { DetectorOverride, FieldLimit };

/** The detectors an override may name (as `detectors.overrides` of the pipeline YAML). */
export const DETECTOR_NAMES = ['spikeDip', 'levelShift', 'stuck', 'outOfRange', 'missing', 'combined'] as const;

/** A record with nothing but its id. */
export function emptyRecord(deviceId: string): DeviceRecord {
  return {
    deviceId,
    site: '',
    model: '',
    firmware: '',
    gatewayLeaves: [],
    tags: {},
    limits: {},
    detectors: [],
    updatedAt: 0,
  };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * What is wrong with a record, one sentence per problem naming the field (empty: valid). Tag keys
 * become InfluxDB tag keys: names, not free text; a limit needs min <= max and finite ends.
 *
 * @example
 *   recordProblems({ ...emptyRecord('d1'), limits: { t: { min: 5, max: 1 } } })
 *   // ["limits.t: expected min <= max, got 5..1"]
 */
export function recordProblems(record: DeviceRecord): string[] {
  const problems: string[] = [];
  const idProblem = deviceIdProblem(record.deviceId);
  if (idProblem) problems.push(`deviceId: ${idProblem}`);
  for (const leaf of record.gatewayLeaves)
    if (leaf.length === 0 || /[+#/\s]/.test(leaf))
      problems.push(`gatewayLeaves: expected deviceIds or patterns without + # / or spaces, got '${leaf}'`);
  for (const [key, value] of Object.entries(record.tags)) {
    if (!NAME.test(key)) problems.push(`tags.${key}: expected a tag name (letters, digits, _ . -)`);
    if (value.length === 0) problems.push(`tags.${key}: expected a value`);
    if (['deviceId', 'site', 'type', 'window'].includes(key))
      problems.push(`tags.${key}: '${key}' is a tag the pipeline sets itself`);
  }
  for (const [field, limit] of Object.entries(record.limits)) {
    if (!NAME.test(field)) problems.push(`limits.${field}: expected a field name (or <type>.<field>)`);
    for (const end of ['min', 'max'] as const) {
      const v = limit[end];
      if (v !== null && !Number.isFinite(v)) problems.push(`limits.${field}.${end}: expected a finite number`);
    }
    if (limit.min === null && limit.max === null) problems.push(`limits.${field}: expected min, max or both`);
    if (limit.min !== null && limit.max !== null && limit.min > limit.max)
      problems.push(`limits.${field}: expected min <= max, got ${limit.min}..${limit.max}`);
  }
  record.detectors.forEach((o, i) => {
    if (!(DETECTOR_NAMES as readonly string[]).includes(o.detector))
      problems.push(`detectors[${i}].detector: expected one of ${DETECTOR_NAMES.join(', ')}, got '${o.detector}'`);
    if (o.field !== null && !NAME.test(o.field)) problems.push(`detectors[${i}].field: expected a field name`);
    if (Object.keys(o.settings).length === 0) problems.push(`detectors[${i}].settings: expected at least one setting`);
  });
  return problems;
}

/**
 * The record in a canonical order (leaves, tags, limits, detectors sorted), so two records that
 * say the same thing compare equal and print alike.
 */
export function normalizeRecord(record: DeviceRecord): DeviceRecord {
  const sortedEntries = <T>(o: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => compare(a, b)));
  return {
    deviceId: record.deviceId,
    site: record.site,
    model: record.model,
    firmware: record.firmware,
    gatewayLeaves: [...new Set(record.gatewayLeaves)].sort(compare),
    tags: sortedEntries(record.tags),
    limits: sortedEntries(
      Object.fromEntries(Object.entries(record.limits).map(([k, l]) => [k, { min: l.min, max: l.max }])),
    ),
    detectors: record.detectors
      .map((o) => ({ detector: o.detector, field: o.field, settings: sortedEntries(o.settings) }))
      .sort((a, b) => compare(overrideKey(a), overrideKey(b))),
    updatedAt: record.updatedAt,
  };
}

/** `[<field>:]<detector>`: what an override applies to (one override per key). */
export function overrideKey(o: Pick<DetectorOverride, 'detector' | 'field'>): string {
  return o.field === null ? o.detector : `${o.field}:${o.detector}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
