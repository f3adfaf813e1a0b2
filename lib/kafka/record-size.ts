/** What a record's size depends on (a ProducerRecord, or a stream task's output record). */
export interface SizedRecord {
  readonly key: string | Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Bytes of a v2 record batch holding one record, beyond its key, value and headers (61 + record framing). */
const BATCH_OVERHEAD = 61 + 32;
/** Framing per header (varint lengths), generously. */
const HEADER_OVERHEAD = 10;

/**
 * An upper bound of the bytes one record takes in a Kafka record batch of its own: what the broker
 * compares with the topic's `max.message.bytes` (uncompressed).
 *
 * @example recordSizeBytes({ topic: 't', key: 'd1', value: Buffer.alloc(100) }) // about 200
 */
export function recordSizeBytes(record: SizedRecord): number {
  return BATCH_OVERHEAD + byteLength(record.key) + (record.value?.byteLength ?? 0) + headersBytes(record.headers);
}

export function headersBytes(headers: Readonly<Record<string, string>> | undefined): number {
  let total = 0;
  for (const [name, value] of Object.entries(headers ?? {}))
    total += Buffer.byteLength(name) + Buffer.byteLength(value) + HEADER_OVERHEAD;
  return total;
}

function byteLength(key: string | Buffer | null): number {
  if (key === null) return 0;
  return typeof key === 'string' ? Buffer.byteLength(key) : key.byteLength;
}
