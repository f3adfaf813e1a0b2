import { consumedDeadLetter } from '../../lib/dead-letter/consumed-dead-letter.js';
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

/**
 * The dead letter of a consumed command (lib/dead-letter/consumed-dead-letter.ts), with the MQTT
 * topic it was (or would have been) published to.
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
  const extra: Record<string, string> =
    rejection.mqttTopic === undefined ? {} : { [MQTT_TOPIC_HEADER]: rejection.mqttTopic };
  return consumedDeadLetter(record, { ...rejection, stage: STAGE }, options, extra);
}
