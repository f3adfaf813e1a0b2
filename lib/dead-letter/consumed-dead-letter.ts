import type { ConsumedRecord, ProducerRecord } from '../kafka/types.js';
import { DLQ_HEADERS } from './headers.js';
import type { DeadLetterStage } from './reasons.js';

/** Longest `error.message` (and other free-text header) a dead letter carries. */
export const MAX_DEAD_LETTER_HEADER_CHARS = 4000;

/** Why a stage refused a record it consumed from Kafka. */
export interface ConsumedRejection {
  stage: DeadLetterStage;
  reason: string;
  /** The detailed error code (e.g. SERDE_UNKNOWN_SCHEMA_ID, INFLUX_400, MQTT_SINK_COMMAND_EXPIRED). */
  code: string;
  message: string;
}

/**
 * The dead letter of a record a sink consumed from Kafka: key and value bytes untouched, the original
 * headers kept, plus the `error.*` and `source.*` headers every stage writes (headers.ts) and the
 * stage's own `extra` headers (e.g. influx.status, mqtt.topic).
 *
 * @example
 *   consumedDeadLetter(record, { stage: 'influxdb-sink', reason: 'INFLUX_REJECTED', code: 'INFLUX_400', message },
 *     { topic: 'telemetry.dlq', source: 'influxdb-sink-host1', nowMs: Date.now() });
 */
export function consumedDeadLetter(
  record: ConsumedRecord,
  rejection: ConsumedRejection,
  options: { topic: string; source: string; nowMs: number },
  extra: Record<string, string> = {},
): ProducerRecord {
  return {
    topic: options.topic,
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    headers: {
      ...record.headers,
      [DLQ_HEADERS.stage]: rejection.stage,
      [DLQ_HEADERS.reason]: rejection.reason,
      [DLQ_HEADERS.code]: rejection.code,
      [DLQ_HEADERS.message]: rejection.message.slice(0, MAX_DEAD_LETTER_HEADER_CHARS),
      [DLQ_HEADERS.time]: new Date(options.nowMs).toISOString(),
      [DLQ_HEADERS.source]: options.source,
      [DLQ_HEADERS.sourceTopic]: record.topic,
      [DLQ_HEADERS.sourcePartition]: String(record.partition),
      [DLQ_HEADERS.sourceOffset]: record.offset,
      [DLQ_HEADERS.sourceTimestamp]: String(record.timestamp),
      ...extra,
    },
  };
}
