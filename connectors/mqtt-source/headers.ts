/**
 * Kafka header names written by the MQTT source (namespaced, as Benthos does with `mqtt_topic`).
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
  errorStage: 'error.stage',
  errorReason: 'error.reason',
  errorMessage: 'error.message',
  errorField: 'error.field',
  errorRule: 'error.rule',
  /** Index of the refused reading in a gateway's JSON array (the whole raw payload is kept). */
  errorIndex: 'error.index',
  errorTime: 'error.time',
  /** The connector replica (MQTT client id) that refused the message. */
  errorSource: 'error.source',
} as const;

export const STAGE = 'mqtt-source';
