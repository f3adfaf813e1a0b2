import type { Admin, ConsumedRecord, KafkaClient } from '../../lib/kafka/types.js';
import type { AvroDecoder } from '../../lib/serde/decoder.js';

/** Each partition's end offset: where a run's records will start. */
export type StartOffsets = Map<string, Map<number, bigint>>;

export async function startOffsets(admin: Admin, topics: readonly string[]): Promise<StartOffsets> {
  const out: StartOffsets = new Map();
  for (const topic of topics)
    out.set(topic, new Map((await admin.topicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)])));
  return out;
}

export interface RunRecord<T> {
  record: ConsumedRecord;
  value: T;
}

/**
 * A run's records of `topic`, read_committed: at or after the start offsets, keyed by one of the
 * run's devices (`<prefix>-...`), values decoded (a record that cannot be decoded is returned with
 * value undefined: the caller counts it).
 */
export async function runRecords<T>(
  client: KafkaClient,
  admin: Admin,
  decoder: AvroDecoder<T>,
  topic: string,
  from: StartOffsets,
  devicePrefix: string,
): Promise<Array<RunRecord<T | undefined>>> {
  const starts = from.get(topic) ?? new Map<number, bigint>();
  const partitions = (await admin.topicOffsets(topic)).map((p) => p.partition);
  const kept: ConsumedRecord[] = [];
  await client.replay({
    topic,
    partitions,
    isolation: 'read_committed',
    onRecords: (records) => {
      for (const r of records)
        if (BigInt(r.offset) >= (starts.get(r.partition) ?? 0n) && r.key?.toString().startsWith(`${devicePrefix}-`))
          kept.push(r);
    },
  });
  const out: Array<RunRecord<T | undefined>> = [];
  for (const record of kept) {
    let value: T | undefined;
    try {
      value = record.value ? (await decoder.decode(record.value)).value : undefined;
    } catch {
      value = undefined;
    }
    out.push({ record, value });
  }
  return out;
}
