import { formatLimit, formatOverride } from './field-syntax.js';
import { type DeviceRecord, normalizeRecord } from './record.js';

/** One field that differs between two versions of a record; `tags.floor`, `limits.temperature`, ... */
export interface FieldChange {
  field: string;
  kind: 'added' | 'changed' | 'removed';
  before?: string;
  after?: string;
}

/** What an import (or one `add`/`update`) would do to the registry. */
export interface RegistryPlan {
  added: { record: DeviceRecord; changes: FieldChange[] }[];
  changed: { record: DeviceRecord; changes: FieldChange[] }[];
  /** Device ids that get a tombstone. */
  removed: string[];
  unchanged: string[];
}

/**
 * A record as `field -> text` (empty fields left out): what the diff compares and `show` prints.
 *
 * @example
 *   flattenRecord({ ...emptyRecord('d1'), site: 's1', limits: { t: { min: 0, max: 5 } } })
 *   // { site: 's1', 'limits.t': '0:5' }
 */
export function flattenRecord(record: DeviceRecord): Record<string, string> {
  const r = normalizeRecord(record);
  const out: Record<string, string> = {};
  for (const k of ['site', 'model', 'firmware'] as const) if (r[k] !== '') out[k] = r[k];
  if (r.gatewayLeaves.length > 0) out.gatewayLeaves = r.gatewayLeaves.join(',');
  for (const [k, v] of Object.entries(r.tags)) out[`tags.${k}`] = v;
  for (const [k, v] of Object.entries(r.limits)) out[`limits.${k}`] = formatLimit(v);
  for (const o of r.detectors)
    for (const text of formatOverride(o)) {
      const at = text.lastIndexOf('=');
      out[`detectors.${text.slice(0, at)}`] = text.slice(at + 1);
    }
  return out;
}

/** The fields that differ from `before` to `after` (either may be absent: a new or removed device). */
export function diffRecords(before: DeviceRecord | undefined, after: DeviceRecord | undefined): FieldChange[] {
  const a = before ? flattenRecord(before) : {};
  const b = after ? flattenRecord(after) : {};
  const changes: FieldChange[] = [];
  for (const field of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[field];
    const y = b[field];
    if (x === y) continue;
    if (x === undefined) changes.push({ field, kind: 'added', after: y });
    else if (y === undefined) changes.push({ field, kind: 'removed', before: x });
    else changes.push({ field, kind: 'changed', before: x, after: y });
  }
  return changes;
}

/**
 * Compares the registry with the records wanted (an import file): new devices, changed ones (each
 * with its field changes), and with `prune` the devices the file no longer lists (tombstones).
 * A record of the file replaces the registry's whole (fields it leaves empty are removed).
 */
export function planRegistry(
  current: ReadonlyMap<string, DeviceRecord>,
  wanted: readonly DeviceRecord[],
  options: { prune?: boolean } = {},
): RegistryPlan {
  const plan: RegistryPlan = { added: [], changed: [], removed: [], unchanged: [] };
  const listed = new Set<string>();
  for (const record of wanted) {
    listed.add(record.deviceId);
    const before = current.get(record.deviceId);
    const changes = diffRecords(before, record);
    if (!before) plan.added.push({ record, changes });
    else if (changes.length > 0) plan.changed.push({ record, changes });
    else plan.unchanged.push(record.deviceId);
  }
  if (options.prune) for (const id of [...current.keys()].sort()) if (!listed.has(id)) plan.removed.push(id);
  return plan;
}

/** The plan as the lines `iotp devices import` prints. */
export function formatPlan(plan: RegistryPlan): string[] {
  const lines: string[] = [];
  const change = (c: FieldChange) =>
    c.kind === 'added'
      ? `    + ${c.field} = ${c.after}`
      : c.kind === 'removed'
        ? `    - ${c.field} (was ${c.before})`
        : `    ~ ${c.field}: ${c.before} -> ${c.after}`;
  for (const a of plan.added) lines.push(`+ ${a.record.deviceId} (new)`, ...a.changes.map(change));
  for (const c of plan.changed) lines.push(`~ ${c.record.deviceId}`, ...c.changes.map(change));
  for (const id of plan.removed) lines.push(`- ${id} (removed: tombstone)`);
  lines.push(
    `${plan.added.length} added, ${plan.changed.length} changed, ${plan.removed.length} removed, ${plan.unchanged.length} unchanged`,
  );
  return lines;
}
