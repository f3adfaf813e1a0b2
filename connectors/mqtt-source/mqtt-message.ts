import { H } from './headers.js';

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

/** The MQTT headers every record made from a message carries. */
export function mqttHeaders(message: MqttMessage): Record<string, string> {
  return {
    [H.mqttTopic]: message.topic,
    [H.mqttQos]: String(message.qos),
    [H.mqttRetain]: String(message.retain),
    [H.mqttDup]: String(message.dup),
    [H.mqttReceivedAt]: String(message.receivedAt),
  };
}
