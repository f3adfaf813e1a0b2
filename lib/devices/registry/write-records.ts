import type { KafkaClient, ProducerRecord } from '../../kafka/types.js';
import type { DeviceRecord } from './record.js';
import type { DeviceSerde } from './serde.js';

/**
 * Writes records (key deviceId) and tombstones (value null: the device leaves the registry) to the
 * compacted topic with an idempotent producer, in one send; resolves when Kafka acknowledged all.
 *
 * @example
 *   await writeRegistryRecords(kafka, 'telemetry.devices', serde, { records: [record], removals: ['old-1'] });
 */
export async function writeRegistryRecords(
  kafka: KafkaClient,
  topic: string,
  serde: Pick<DeviceSerde, 'encode'>,
  changes: { records?: readonly DeviceRecord[]; removals?: readonly string[] },
  now: () => number = Date.now,
): Promise<number> {
  const out: ProducerRecord[] = [];
  for (const record of changes.records ?? []) {
    const stamped = { ...record, updatedAt: now() };
    out.push({ topic, key: record.deviceId, value: await serde.encode(stamped), timestamp: stamped.updatedAt });
  }
  for (const id of changes.removals ?? []) out.push({ topic, key: id, value: null, timestamp: now() });
  if (out.length === 0) return 0;
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    await producer.send(out);
  } finally {
    await producer.disconnect();
  }
  return out.length;
}
