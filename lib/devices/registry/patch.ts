import { type Assignment, addOverrideSetting } from './field-syntax.js';
import type { DeviceRecord, FieldLimit } from './record.js';

/**
 * A change to one record, as `iotp devices add|update` options say it: scalar fields replace,
 * tags and limits change per key (a removal is an assignment without value), leaves are added or
 * removed, override settings are set per field and detector.
 */
export interface DevicePatch {
  site?: string;
  model?: string;
  firmware?: string;
  addLeaves?: string[];
  removeLeaves?: string[];
  tags?: Assignment<string>[];
  limits?: Assignment<FieldLimit>[];
  overrides?: { field: string | null; detector: string; setting: string; value: number | boolean | string }[];
  /** Drop the overrides of these `[<field>:]<detector>` keys before setting new ones. */
  clearOverrides?: string[];
}

/**
 * The record after the patch (pure; `base` is not changed).
 *
 * @example
 *   applyPatch(emptyRecord('d1'), { site: 's1', tags: [{ name: 'floor', value: '2' }] })
 *   // { deviceId: 'd1', site: 's1', tags: { floor: '2' }, ... }
 */
export function applyPatch(base: DeviceRecord, patch: DevicePatch): DeviceRecord {
  const tags = { ...base.tags };
  for (const t of patch.tags ?? []) {
    if (t.value === undefined) delete tags[t.name];
    else tags[t.name] = t.value;
  }
  const limits = { ...base.limits };
  for (const l of patch.limits ?? []) {
    if (l.value === undefined) delete limits[l.name];
    else limits[l.name] = l.value;
  }
  const removed = new Set(patch.removeLeaves ?? []);
  const leaves = [...new Set([...base.gatewayLeaves, ...(patch.addLeaves ?? [])])].filter((l) => !removed.has(l));
  const cleared = new Set(patch.clearOverrides ?? []);
  let detectors = base.detectors.filter(
    (o) => !cleared.has(o.field === null ? o.detector : `${o.field}:${o.detector}`),
  );
  for (const s of patch.overrides ?? []) detectors = addOverrideSetting(detectors, s);
  return {
    ...base,
    site: patch.site ?? base.site,
    model: patch.model ?? base.model,
    firmware: patch.firmware ?? base.firmware,
    gatewayLeaves: leaves,
    tags,
    limits,
    detectors,
  };
}

/** True when the patch would change nothing a field-by-field look can see (no option given). */
export function isEmptyPatch(patch: DevicePatch): boolean {
  return Object.values(patch).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
}
