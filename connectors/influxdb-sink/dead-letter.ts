import type { ConsumedRecord, ProducerRecord } from '../../lib/kafka/types.js';

/**
 * Why the sink dead-lettered a record (the `error.reason` header and the dead-letter metric's label):
 * - DECODE_FAILED: not Confluent wire format, unknown schema id, corrupt Avro (`error.code` has the SERDE_* code);
 * - UNMAPPABLE: decoded, but no InfluxDB point can be made (no event time, a name InfluxDB cannot
 *   store, no numeric field...; `error.code` has the SINK_* code);
 * - INFLUX_REJECTED: InfluxDB refused the point (400: field type conflict, ...); `influx.status`
 *   and `error.message` carry InfluxDB's answer.
 */
export const SINK_DEAD_LETTER_REASONS = ['DECODE_FAILED', 'UNMAPPABLE', 'INFLUX_REJECTED'] as const;
export type SinkDeadLetterReason = (typeof SINK_DEAD_LETTER_REASONS)[number];

export const STAGE = 'influxdb-sink';

/** Header names (the MQTT source's `error.*` names, plus where the record came from). */
export const DLQ_HEADER = {
  stage: 'error.stage',
  reason: 'error.reason',
  code: 'error.code',
  message: 'error.message',
  time: 'error.time',
  source: 'error.source',
  topic: 'source.topic',
  partition: 'source.partition',
  offset: 'source.offset',
  timestamp: 'source.timestamp',
  influxStatus: 'influx.status',
  influxLine: 'influx.line',
} as const;

export interface SinkRejection {
  reason: SinkDeadLetterReason;
  /** IotpError code, or `INFLUX_<status>`. */
  code: string;
  message: string;
  influxStatus?: number;
  /** The line InfluxDB refused. */
  line?: string;
}

const MAX_HEADER_CHARS = 4000;

/**
 * The dead-letter record of a consumed record: key and value bytes untouched, the original headers
 * kept, and headers naming stage, reason, code, message, time, replica, source topic/partition/offset.
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
  const headers: Record<string, string> = {
    ...record.headers,
    [DLQ_HEADER.stage]: STAGE,
    [DLQ_HEADER.reason]: rejection.reason,
    [DLQ_HEADER.code]: rejection.code,
    [DLQ_HEADER.message]: rejection.message.slice(0, MAX_HEADER_CHARS),
    [DLQ_HEADER.time]: new Date(options.nowMs).toISOString(),
    [DLQ_HEADER.source]: options.source,
    [DLQ_HEADER.topic]: record.topic,
    [DLQ_HEADER.partition]: String(record.partition),
    [DLQ_HEADER.offset]: record.offset,
    [DLQ_HEADER.timestamp]: String(record.timestamp),
  };
  if (rejection.influxStatus !== undefined) headers[DLQ_HEADER.influxStatus] = String(rejection.influxStatus);
  if (rejection.line !== undefined) headers[DLQ_HEADER.influxLine] = rejection.line.slice(0, MAX_HEADER_CHARS);
  return { topic: options.topic, key: record.key, value: record.value, timestamp: record.timestamp, headers };
}
