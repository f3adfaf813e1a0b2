import { IotpError } from '../../errors.js';
import type { KafkaClient } from '../../kafka/types.js';
import { applyRegistryRecord } from './fold.js';
import type { DeviceRecord } from './record.js';
import type { DeviceSerde } from './serde.js';

/**
 * The registry as it is now: every partition of the compacted topic read from its start to its
 * end (no consumer group), tombstones applied. What `iotp devices show|list|update|import` read.
 *
 * @example
 *   const table = await readRegistrySnapshot(kafka, 'telemetry.devices', serde);
 */
export async function readRegistrySnapshot(
  kafka: KafkaClient,
  topic: string,
  serde: Pick<DeviceSerde, 'decode'>,
): Promise<Map<string, DeviceRecord>> {
  const admin = kafka.admin();
  await admin.connect();
  let partitions: number | undefined;
  try {
    partitions = await admin.partitionCount(topic);
  } finally {
    await admin.disconnect();
  }
  if (partitions === undefined) throw registryTopicMissing(topic);
  const table = new Map<string, DeviceRecord>();
  const pending: { key: string; value: Buffer | null }[] = [];
  await kafka.replay({
    topic,
    partitions: Array.from({ length: partitions }, (_, i) => i),
    onRecords: (records) => {
      for (const r of records) if (r.key) pending.push({ key: r.key.toString('utf8'), value: r.value });
    },
  });
  for (const r of pending) applyRegistryRecord(table, r.key, r.value === null ? null : await serde.decode(r.value));
  return table;
}

/** The registry topic does not exist: `iotp setup` creates it. */
export function registryTopicMissing(topic: string): IotpError {
  return new IotpError(
    'DEVICE_REGISTRY_TOPIC_MISSING',
    `devices.topic: the device registry topic '${topic}' does not exist; create it with 'iotp setup'`,
    { context: { topic } },
  );
}
