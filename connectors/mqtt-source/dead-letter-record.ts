import { fitDeadLetter } from '../../lib/dead-letter/fit.js';
import type { ProducerRecord } from '../../lib/kafka/types.js';
import type { Rejection } from './dead-letter-reason.js';
import { H, STAGE } from './headers.js';
import { type MqttMessage, mqttHeaders } from './mqtt-message.js';

export interface DeadLetterOptions {
  /** Dead-letter topic (default `telemetry.dlq`). */
  topic: string;
  /** Replica id (MQTT client id) for `error.source`. */
  source: string;
  /** Index of the refused reading inside a gateway array. */
  index?: number;
  /** Kafka key: the topic's deviceId when a route matched, else none. */
  key?: string;
  /** The record must fit this many bytes (lib/dead-letter: the broker's bound); the payload is cut past it. */
  maxBytes: number;
}

/**
 * The dead-letter record for a refused message: the raw MQTT bytes untouched as the value, and
 * headers naming stage, reason, message, field/rule, MQTT topic/QoS/receive time. A payload too
 * large for Kafka is cut to a prefix, with its original size and SHA-256 in headers (`fitDeadLetter`).
 *
 * @example
 *   deadLetterRecord(message, { reason: 'INVALID_JSON', message: 'payload is not JSON' },
 *     { topic: 'telemetry.dlq', source: 'mqtt-source-0', maxBytes: 1_000_000 })
 */
export function deadLetterRecord(
  message: MqttMessage,
  rejection: Rejection,
  options: DeadLetterOptions,
): ProducerRecord {
  const headers: Record<string, string> = {
    ...mqttHeaders(message),
    [H.errorStage]: STAGE,
    [H.errorReason]: rejection.reason,
    [H.errorMessage]: rejection.message,
    [H.errorTime]: new Date(message.receivedAt).toISOString(),
    [H.errorSource]: options.source,
  };
  if (rejection.field !== undefined) headers[H.errorField] = rejection.field;
  if (rejection.rule !== undefined) headers[H.errorRule] = rejection.rule;
  if (options.index !== undefined) headers[H.errorIndex] = String(options.index);
  return fitDeadLetter(
    {
      topic: options.topic,
      key: options.key ?? null,
      value: message.payload,
      timestamp: message.receivedAt,
      headers,
    },
    options.maxBytes,
  ).record;
}
