import { DLQ_HEADERS } from '../../lib/dead-letter/headers.js';
import { type DeadLetterStage, type ReasonOf, reasonsOf } from '../../lib/dead-letter/reasons.js';
import type { ConsumedRecord, ProducerRecord } from '../../lib/kafka/types.js';

/** The MQTT sink's codes of the one reason table: DESERIALIZATION_FAILED, COMMAND_EXPIRED, COMMAND_INVALID, MQTT_REFUSED. */
export const MQTT_SINK_DEAD_LETTER_REASONS = reasonsOf('mqtt-sink');
export type MqttSinkDeadLetterReason = ReasonOf<'mqtt-sink'>;

export const STAGE: DeadLetterStage = 'mqtt-sink';

/** Header of a command dead letter: the MQTT topic it was (or would have been) published to. */
export const MQTT_TOPIC_HEADER = 'mqtt.topic';

export interface SinkRejection {
  reason: MqttSinkDeadLetterReason;
  /** IotpError code, e.g. MQTT_SINK_COMMAND_EXPIRED. */
  code: string;
  message: string;
  mqttTopic?: string;
}

const MAX_HEADER_CHARS = 4000;

/**
 * The dead letter of a consumed command: key and value bytes untouched, the original headers kept,
 * plus the `error.*` and `source.*` headers every stage writes (lib/dead-letter/headers.ts).
 *
 * @example
 *   commandDeadLetter(record, { reason: 'COMMAND_EXPIRED', code: 'MQTT_SINK_COMMAND_EXPIRED', message },
 *     { topic: 'telemetry.dlq', source: 'iotp-mqtt-sink-a', nowMs: Date.now() });
 */
export function commandDeadLetter(
  record: ConsumedRecord,
  rejection: SinkRejection,
  options: { topic: string; source: string; nowMs: number },
): ProducerRecord {
  const headers: Record<string, string> = {
    ...record.headers,
    [DLQ_HEADERS.stage]: STAGE,
    [DLQ_HEADERS.reason]: rejection.reason,
    [DLQ_HEADERS.code]: rejection.code,
    [DLQ_HEADERS.message]: rejection.message.slice(0, MAX_HEADER_CHARS),
    [DLQ_HEADERS.time]: new Date(options.nowMs).toISOString(),
    [DLQ_HEADERS.source]: options.source,
    [DLQ_HEADERS.sourceTopic]: record.topic,
    [DLQ_HEADERS.sourcePartition]: String(record.partition),
    [DLQ_HEADERS.sourceOffset]: record.offset,
    [DLQ_HEADERS.sourceTimestamp]: String(record.timestamp),
  };
  if (rejection.mqttTopic !== undefined) headers[MQTT_TOPIC_HEADER] = rejection.mqttTopic;
  return { topic: options.topic, key: record.key, value: record.value, timestamp: record.timestamp, headers };
}
