import type { H } from './headers.js';

/**
 * One MQTT message as the connector sees it: the raw payload (never modified), where it came
 * from, and when this replica received it (from the injected clock).
 */
export interface MqttMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** Redelivery flag set by the broker: a copy may already be in Kafka. */
  dup: boolean;
  receivedAt: number;
}

const QOS_TEXT = ['0', '1', '2'] as const;

/** The MQTT headers every record made from a message carries (a fresh object the caller may extend). */
export function mqttHeaders(message: MqttMessage): Record<string, string> {
  return {
    'mqtt.topic': message.topic,
    'mqtt.qos': QOS_TEXT[message.qos],
    'mqtt.retain': message.retain ? 'true' : 'false',
    'mqtt.dup': message.dup ? 'true' : 'false',
    'mqtt.received_at': String(message.receivedAt),
  } satisfies Record<(typeof H)['mqttTopic' | 'mqttQos' | 'mqttRetain' | 'mqttDup' | 'mqttReceivedAt'], string>;
}
