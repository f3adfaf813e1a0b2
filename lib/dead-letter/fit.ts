import { createHash } from 'node:crypto';
import { recordSizeBytes } from '../kafka/record-size.js';
import type { ProducerRecord } from '../kafka/types.js';
import { DLQ_HEADERS } from './headers.js';

/** Longest header value kept whole; longer ones (an error text, an inherited header) are cut. */
const MAX_HEADER_CHARS = 1000;

export interface FittedDeadLetter {
  record: ProducerRecord;
  /** True when the payload was cut (the headers then say the original size and SHA-256). */
  truncated: boolean;
}

/**
 * Makes a dead letter fit Kafka: if the record (key, raw payload, headers) could exceed
 * `maxRecordBytes`, long header values are shortened and the payload is cut to the prefix that
 * fits, with `payload.truncated`, `payload.size` and `payload.sha256` (of the whole original
 * payload) added, so the original can still be identified. A dead letter that fits is returned as is.
 *
 * @example
 *   const { record, truncated } = fitDeadLetter(dlq, limits.maxRecordBytes);
 *   if (truncated) metrics.truncated.inc({ stage });
 */
export function fitDeadLetter(record: ProducerRecord, maxRecordBytes: number): FittedDeadLetter {
  if (recordSizeBytes(record) <= maxRecordBytes) return { record, truncated: false };
  const value = record.value;
  const headers: Record<string, string> = {};
  for (const [name, text] of Object.entries(record.headers ?? {}))
    headers[name] = text.length > MAX_HEADER_CHARS ? `${text.slice(0, MAX_HEADER_CHARS)}…` : text;
  const shortened = { ...record, headers };
  if (recordSizeBytes(shortened) <= maxRecordBytes) return { record: shortened, truncated: false };
  if (value !== null) {
    headers[DLQ_HEADERS.payloadTruncated] = 'true';
    headers[DLQ_HEADERS.payloadSize] = String(value.byteLength);
    headers[DLQ_HEADERS.payloadSha256] = createHash('sha256').update(value).digest('hex');
  }
  const withoutValue = recordSizeBytes({ ...record, headers, value: null });
  const keep = Math.max(0, Math.min(value?.byteLength ?? 0, maxRecordBytes - withoutValue));
  const cut = value === null ? null : Buffer.from(value.buffer, value.byteOffset, keep);
  return { record: { ...record, headers, value: cut }, truncated: value !== null };
}
