import { consumedDeadLetter, MAX_DEAD_LETTER_HEADER_CHARS } from '../../lib/dead-letter/consumed-dead-letter.js';
import { DLQ_HEADERS } from '../../lib/dead-letter/headers.js';
import { type DeadLetterStage, type ReasonOf, reasonsOf } from '../../lib/dead-letter/reasons.js';
import type { ConsumedRecord, ProducerRecord } from '../../lib/kafka/types.js';

/**
 * Why the sink dead-lettered a record: its codes of the one reason table (lib/dead-letter/reasons.ts):
 * - DESERIALIZATION_FAILED: not Confluent wire format, unknown schema id, corrupt Avro (`error.code` has the SERDE_* code);
 * - UNMAPPABLE: decoded, but no InfluxDB point can be made (no event time, a name InfluxDB cannot
 *   store, no numeric field...; `error.code` has the SINK_* code);
 * - INFLUX_REJECTED: InfluxDB refused the point (400: field type conflict, ...); `influx.status`
 *   and `error.message` carry InfluxDB's answer.
 */
export const SINK_DEAD_LETTER_REASONS = reasonsOf('influxdb-sink');
export type SinkDeadLetterReason = ReasonOf<'influxdb-sink'>;

export const STAGE: DeadLetterStage = 'influxdb-sink';

export interface SinkRejection {
  reason: SinkDeadLetterReason;
  /** IotpError code, or `INFLUX_<status>`. */
  code: string;
  message: string;
  influxStatus?: number;
  /** The line InfluxDB refused. */
  line?: string;
}

/**
 * The dead-letter record of a consumed record (lib/dead-letter/consumed-dead-letter.ts), with
 * InfluxDB's status and the refused line when InfluxDB refused it.
 *
 * @example
 *   deadLetterRecord(record, { reason: 'INFLUX_REJECTED', code: 'INFLUX_400', message, influxStatus: 400 },
 *     { topic: 'telemetry.dlq', source: 'influxdb-sink-host1', nowMs: clock() });
 */
export function deadLetterRecord(
  record: ConsumedRecord,
  rejection: SinkRejection,
  options: { topic: string; source: string; nowMs: number },
): ProducerRecord {
  const extra: Record<string, string> = {};
  if (rejection.influxStatus !== undefined) extra[DLQ_HEADERS.influxStatus] = String(rejection.influxStatus);
  if (rejection.line !== undefined)
    extra[DLQ_HEADERS.influxLine] = rejection.line.slice(0, MAX_DEAD_LETTER_HEADER_CHARS);
  return consumedDeadLetter(
    record,
    { stage: STAGE, reason: rejection.reason, code: rejection.code, message: rejection.message },
    options,
    extra,
  );
}
