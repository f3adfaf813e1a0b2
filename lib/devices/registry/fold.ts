import { type DeviceRecord, normalizeRecord } from './record.js';

/** One change of the registry as a reader sees it: a new, updated or removed (tombstone) device. */
export interface RegistryChange {
  deviceId: string;
  before: DeviceRecord | undefined;
  /** undefined: the device was removed. */
  after: DeviceRecord | undefined;
}

/**
 * Applies one record of the compacted topic to the table (pure but for `table`): a value replaces
 * the device's record, a tombstone (null) removes it. Returns the change, or undefined when a
 * tombstone names a device the table does not hold. The key wins over the value's deviceId.
 *
 * @example
 *   const table = new Map();
 *   applyRegistryRecord(table, 'd1', { ...emptyRecord('d1'), site: 's1' }); // { deviceId: 'd1', before: undefined, after: {...} }
 *   applyRegistryRecord(table, 'd1', null); // { deviceId: 'd1', before: {...}, after: undefined }
 */
export function applyRegistryRecord(
  table: Map<string, DeviceRecord>,
  deviceId: string,
  value: DeviceRecord | null,
): RegistryChange | undefined {
  const before = table.get(deviceId);
  if (value === null) {
    if (!before) return undefined;
    table.delete(deviceId);
    return { deviceId, before, after: undefined };
  }
  const after = normalizeRecord({ ...value, deviceId });
  table.set(deviceId, after);
  return { deviceId, before, after };
}
