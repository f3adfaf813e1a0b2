import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { ConsumedRecord, ProducerRecord } from '../types.js';

/** Header values as UTF-8 strings; a header repeated in one record keeps its last value. */
export function decodeKafkajsHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [key, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value : value.toString('utf8');
  }
  return out;
}

export function toConsumedRecord(topic: string, partition: number, m: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ?? null,
    value: m.value ?? null,
    timestamp: Number(m.timestamp),
    headers: decodeKafkajsHeaders(m.headers),
  };
}

export function toKafkajsMessage(r: ProducerRecord): Message {
  const m: Message = { key: r.key, value: r.value };
  if (r.partition !== undefined) m.partition = r.partition;
  if (r.timestamp !== undefined) m.timestamp = String(r.timestamp);
  if (r.headers) m.headers = { ...r.headers };
  return m;
}
