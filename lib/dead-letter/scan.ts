import { IotpError } from '../errors.js';
import type { ConsumedRecord, KafkaClient } from '../kafka/types.js';

/**
 * Reads every committed record of the dead-letter topic (all partitions, log start to the end at
 * call time, no consumer group) and hands each to `onRecord`, partition by partition in offset
 * order. The whole topic is read: receipts of earlier replays may be anywhere after what they name.
 *
 * @example
 *   await scanDeadLetters(client, 'telemetry.dlq', (r) => rows.push(r));
 */
export async function scanDeadLetters(
  client: KafkaClient,
  topic: string,
  onRecord: (record: ConsumedRecord) => void,
): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  let partitions: number | undefined;
  try {
    partitions = await admin.partitionCount(topic);
  } finally {
    await admin.disconnect();
  }
  if (partitions === undefined)
    throw new IotpError('DLQ_TOPIC_MISSING', `kafka.topics.dlq: the dead-letter topic '${topic}' does not exist`);
  await client.replay({
    topic,
    partitions: Array.from({ length: partitions }, (_, i) => i),
    isolation: 'read_committed',
    onRecords: (records) => {
      for (const r of records) onRecord(r);
    },
  });
}
