import { DLQ_HEADERS } from '../../lib/dead-letter/headers.js';

/**
 * Kafka header names written by the MQTT source (namespaced, as Benthos does with `mqtt_topic`);
 * the `error.*` ones are the shared dead-letter vocabulary (lib/dead-letter/headers.ts).
 * Values are UTF-8 strings; times are epoch ms as decimal strings unless named `*.time` (ISO-8601).
 */
export const H = {
  mqttTopic: 'mqtt.topic',
  mqttQos: 'mqtt.qos',
  mqttRetain: 'mqtt.retain',
  mqttDup: 'mqtt.dup',
  mqttReceivedAt: 'mqtt.received_at',
  /** `payload` or `received` (the payload had no ts; the receive time stands in). */
  tsSource: 'iotp.ts_source',
  /** Set on gateway batches: the publisher's (gateway's) deviceId. */
  gateway: 'iotp.gateway',
  errorStage: DLQ_HEADERS.stage,
  errorReason: DLQ_HEADERS.reason,
  errorMessage: DLQ_HEADERS.message,
  errorField: DLQ_HEADERS.field,
  errorRule: DLQ_HEADERS.rule,
  /** Index of the refused reading in a gateway's JSON array (the whole raw payload is kept). */
  errorIndex: DLQ_HEADERS.index,
  errorTime: DLQ_HEADERS.time,
  /** The connector replica (MQTT client id) that refused the message. */
  errorSource: DLQ_HEADERS.source,
} as const;

export const STAGE = 'mqtt-source';
