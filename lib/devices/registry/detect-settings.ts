import type { DetectorsSection } from '../../config/index.js';
import { detectorsSection } from '../../config/sections/detectors.js';
import { type DeviceRecord, emptyRecord, type FieldLimit, normalizeRecord } from './record.js';

/** What the detect topology takes from a device's registry record: its limits and detector overrides. */
export type DeviceDetectSettings = Pick<DeviceRecord, 'limits' | 'detectors'>;

/**
 * A device's detect settings as one canonical string ('' when it has neither limits nor
 * overrides): two records that say the same thing give the same key, so the detect step can tell
 * a change from a rewrite, keep the key in the device's state and resolve it once per key.
 *
 * @example
 *   detectSettingsKey({ limits: {}, detectors: [] }); // ''
 *   detectSettingsKey({ limits: { temperature: { min: null, max: 30 } }, detectors: [] });
 *   // '{"limits":{"temperature":{"min":null,"max":30}},"detectors":[]}'
 */
export function detectSettingsKey(settings: DeviceDetectSettings | undefined): string {
  if (settings === undefined) return '';
  if (Object.keys(settings.limits).length === 0 && settings.detectors.length === 0) return '';
  const n = normalizeRecord({ ...emptyRecord(''), limits: settings.limits, detectors: settings.detectors });
  return JSON.stringify({ limits: n.limits, detectors: n.detectors });
}

/** The settings a key stands for (none for ''). */
export function parseDetectSettingsKey(key: string): DeviceDetectSettings {
  if (key === '') return { limits: {}, detectors: [] };
  return JSON.parse(key) as DeviceDetectSettings;
}

/**
 * A device's limit of one field of a reading type: `limits["<type>.<field>"]`, else
 * `limits["<field>"]`, else undefined (the pipeline's range applies).
 *
 * @example
 *   deviceLimit({ limits: { temperature: { min: 0, max: 30 } }, detectors: [] }, 'environment', 'temperature');
 *   // { min: 0, max: 30 }
 */
export function deviceLimit(settings: DeviceDetectSettings, type: string, field: string): FieldLimit | undefined {
  return settings.limits[`${type}.${field}`] ?? settings.limits[field];
}

/** The `detectors:` section as it applies to one device and reading type, and what of the record was left out. */
export interface DeviceDetectorsSection {
  section: DetectorsSection;
  /** One sentence per override (or setting) left out, naming it. */
  problems: string[];
}

/**
 * The pipeline's `detectors:` section with one device's settings applied, for one reading type:
 * - a device limit of a field replaces that field's range (`outOfRange.ranges["<type>.<field>"]`
 *   of the pipeline, else the schema's): the out-of-range detector checks the device's bounds, an
 *   open end (null) has no bound;
 * - the device's overrides come after the pipeline's `detectors.overrides` (so they win), for the
 *   field they name or every field; `missing` overrides (enabled, expectedInterval, tolerance)
 *   replace `missing` for the device's heartbeat.
 * Settings are checked as the section checks its own (an unknown name, a wrong type or an out of
 * range value leaves that override out, named in `problems`); `missing.checkInterval` belongs to
 * the worker, not to a device. Pure.
 *
 * @example
 *   const { section } = deviceDetectorsSection(config.detectors, settings, 'environment', ['temperature']);
 *   fieldDetectors(section, 'environment', 'temperature', schemaRange);
 */
export function deviceDetectorsSection(
  base: DetectorsSection,
  settings: DeviceDetectSettings,
  type: string,
  fields: readonly string[],
): DeviceDetectorsSection {
  const problems: string[] = [];
  const ranges = { ...base.outOfRange.ranges };
  for (const field of fields) {
    const limit = deviceLimit(settings, type, field);
    if (limit === undefined) continue;
    ranges[`${type}.${field}`] = {
      ...(limit.min !== null ? { min: limit.min } : {}),
      ...(limit.max !== null ? { max: limit.max } : {}),
    };
  }
  const overrides = [...base.overrides];
  let missing = base.missing;
  settings.detectors.forEach((o, i) => {
    const where = `detectors[${i}] (${o.field === null ? '' : `${o.field}:`}${o.detector})`;
    const checked = checkSettings(o.detector, o.settings);
    if (typeof checked === 'string') {
      problems.push(`${where}: ${checked}`);
      return;
    }
    if (o.detector === 'missing') {
      if (o.field !== null) problems.push(`${where}: missing is about the whole device, not a field`);
      else if ('checkInterval' in checked) problems.push(`${where}: checkInterval is the worker's, not a device's`);
      else missing = { ...missing, ...checked };
      return;
    }
    overrides.push({
      type,
      detector: o.detector as DetectorsSection['overrides'][number]['detector'],
      settings: checked as Record<string, number | boolean | string>,
      ...(o.field !== null ? { field: o.field } : {}),
    });
  });
  return { section: { ...base, outOfRange: { ...base.outOfRange, ranges }, overrides, missing }, problems };
}

const DETECTOR_KEYS = ['spikeDip', 'levelShift', 'stuck', 'outOfRange', 'missing', 'combined'] as const;

/** The settings as the section reads them (durations in ms), or why they cannot be used. */
function checkSettings(
  detector: string,
  settings: Record<string, number | boolean | string>,
): Record<string, unknown> | string {
  if (!(DETECTOR_KEYS as readonly string[]).includes(detector)) return `unknown detector '${detector}'`;
  const parsed = detectorsSection.safeParse({ [detector]: settings });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${[detector, ...(issue?.path ?? []).slice(1)].join('.')}: ${issue?.message ?? 'invalid'}`;
  }
  const section = parsed.data[detector as (typeof DETECTOR_KEYS)[number]] as Record<string, unknown>;
  return Object.fromEntries(Object.keys(settings).map((k) => [k, section[k]]));
}
