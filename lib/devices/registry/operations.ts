import { IotpError } from '../../errors.js';
import type { KafkaClient } from '../../kafka/types.js';
import { diffRecords, type FieldChange, planRegistry, type RegistryPlan } from './diff.js';
import { applyPatch, type DevicePatch } from './patch.js';
import { type DeviceRecord, emptyRecord, normalizeRecord, recordProblems } from './record.js';
import type { DeviceSerde } from './serde.js';
import { readRegistrySnapshot } from './snapshot.js';
import { writeRegistryRecords } from './write-records.js';

/** Where the registry is: the Kafka client, the compacted topic and its serde. */
export interface RegistryAccess {
  kafka: KafkaClient;
  topic: string;
  serde: DeviceSerde;
}

/** What `add` / `update` wrote (or would write: `dryRun`). */
export interface RecordChange {
  deviceId: string;
  record: DeviceRecord;
  changes: FieldChange[];
  written: boolean;
}

/**
 * `iotp devices add|update`: reads the device's current record, applies the patch, validates and
 * writes the whole new record. `add` refuses a device the registry already holds (`update` it),
 * `update` one it does not hold. Two writers racing on one device: the later record wins whole
 * (the topic is last-writer-wins per key).
 */
export async function putDeviceRecord(
  access: RegistryAccess,
  deviceId: string,
  patch: DevicePatch,
  mode: 'add' | 'update',
  options: { dryRun?: boolean } = {},
): Promise<RecordChange> {
  const table = await readRegistrySnapshot(access.kafka, access.topic, access.serde);
  const before = table.get(deviceId);
  if (mode === 'add' && before)
    throw new IotpError(
      'DEVICE_REGISTRY_EXISTS',
      `device '${deviceId}' is already in the registry: use 'iotp devices update'`,
      {
        context: { deviceId },
      },
    );
  if (mode === 'update' && !before)
    throw new IotpError(
      'DEVICE_REGISTRY_UNKNOWN',
      `device '${deviceId}' is not in the registry: use 'iotp devices add'`,
      {
        context: { deviceId },
      },
    );
  const record = normalizeRecord(applyPatch(before ?? emptyRecord(deviceId), patch));
  const problems = recordProblems(record);
  if (problems.length > 0)
    throw new IotpError('DEVICE_REGISTRY_INVALID', `device '${deviceId}': ${problems.join('; ')}`, {
      context: { deviceId },
    });
  const changes = diffRecords(before, record);
  const write = !options.dryRun && (changes.length > 0 || !before);
  if (write) await writeRegistryRecords(access.kafka, access.topic, access.serde, { records: [record] });
  return { deviceId, record, changes, written: write };
}

/** `iotp devices remove`: a tombstone per device the registry holds; names the ones it does not. */
export async function removeDeviceRecords(
  access: RegistryAccess,
  deviceIds: readonly string[],
): Promise<{ removed: string[]; unknown: string[] }> {
  const table = await readRegistrySnapshot(access.kafka, access.topic, access.serde);
  const removed = deviceIds.filter((id) => table.has(id));
  const unknown = deviceIds.filter((id) => !table.has(id));
  await writeRegistryRecords(access.kafka, access.topic, access.serde, { removals: removed });
  return { removed, unknown };
}

/**
 * `iotp devices import`: the plan of the file against the registry and, unless `dryRun`, the
 * records written (new and changed devices, tombstones with `prune`).
 */
export async function importDeviceRecords(
  access: RegistryAccess,
  wanted: readonly DeviceRecord[],
  options: { dryRun?: boolean; prune?: boolean } = {},
): Promise<{ plan: RegistryPlan; written: number }> {
  const table = await readRegistrySnapshot(access.kafka, access.topic, access.serde);
  const plan = planRegistry(table, wanted, { prune: options.prune ?? false });
  if (options.dryRun) return { plan, written: 0 };
  const written = await writeRegistryRecords(access.kafka, access.topic, access.serde, {
    records: [...plan.added, ...plan.changed].map((x) => x.record),
    removals: plan.removed,
  });
  return { plan, written };
}
