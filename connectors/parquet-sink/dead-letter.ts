import { consumedDeadLetter } from '../../lib/dead-letter/consumed-dead-letter.js';
import { type DeadLetterStage, type ReasonOf, reasonsOf } from '../../lib/dead-letter/reasons.js';
import type { ConsumedRecord, ProducerRecord } from '../../lib/kafka/types.js';

/**
 * Why the archive dead-lettered a record (codes of lib/dead-letter/reasons.ts):
 * - DESERIALIZATION_FAILED: no value, not Confluent wire format, unknown schema id, corrupt Avro;
 * - UNARCHIVABLE: decoded, but no event time in 1970..9999, or a schema the archive cannot lay out.
 */
export const ARCHIVE_DEAD_LETTER_REASONS = reasonsOf('archive-sink');
export type ArchiveDeadLetterReason = ReasonOf<'archive-sink'>;

export const STAGE: DeadLetterStage = 'archive-sink';

export interface ArchiveRejection {
  reason: ArchiveDeadLetterReason;
  /** The detailed error code (e.g. SERDE_UNKNOWN_SCHEMA_ID, ARCHIVE_NO_EVENT_TIME). */
  code: string;
  message: string;
}

/**
 * The dead-letter record of a consumed record: bytes untouched, original headers kept, `error.*`
 * and `source.*` headers added (the shared vocabulary, lib/dead-letter/headers.ts).
 *
 * @example
 *   archiveDeadLetter(record, { reason: 'UNARCHIVABLE', code: 'ARCHIVE_NO_EVENT_TIME', message }, { topic: 'telemetry.dlq', source: 'archive-0', nowMs })
 */
export function archiveDeadLetter(
  record: ConsumedRecord,
  rejection: ArchiveRejection,
  options: { topic: string; source: string; nowMs: number },
): ProducerRecord {
  return consumedDeadLetter(record, { ...rejection, stage: STAGE }, options);
}
