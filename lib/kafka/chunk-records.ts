import { recordSizeBytes, type SizedRecord } from './record-size.js';

/**
 * Splits records into sends of at most `maxBytes` (default 256 KiB) so no record batch exceeds the
 * broker's message.max.bytes (1 MiB by default): kafkajs puts one partition's records of a send in
 * one batch and does not split it. At most `maxRecords` (default 1,000) per send too: kafkajs groups
 * a send's records per partition in quadratic time (15% of a worker's CPU with 5,000-record sends).
 * A record larger than `maxBytes` goes alone. Order is kept.
 */
export function chunkRecords<R extends SizedRecord>(
  records: readonly R[],
  maxBytes = 256 * 1024,
  maxRecords = 1_000,
): R[][] {
  const out: R[][] = [];
  let current: R[] = [];
  let size = 0;
  for (const r of records) {
    const s = recordSizeBytes(r);
    if (current.length > 0 && (size + s > maxBytes || current.length >= maxRecords)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += s;
  }
  if (current.length > 0) out.push(current);
  return out;
}
