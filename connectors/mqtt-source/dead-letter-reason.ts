/**
 * Why a message (or one reading of a gateway batch) went to the dead-letter topic. The code travels
 * in the `error.reason` header and labels the `iotp_mqtt_dead_letters_total` metric.
 *
 * - INVALID_JSON: not UTF-8 JSON.
 * - SCHEMA_VIOLATION: JSON that does not fit the route's Avro schema (field and rule named).
 * - UNKNOWN_ROUTE: no route matches the MQTT topic, or the route's schema does not exist.
 * - OVERSIZE: payload larger than `maxPayloadBytes`.
 * - TS_OUT_OF_BOUNDS: event time further in the future or past than allowed.
 * - NON_FINITE: `"NaN"`/`"Infinity"` strings, bare NaN/Infinity tokens, or numbers that overflow.
 * - DEVICE_SPOOFED: a payload's deviceId differs from the topic's (or a gateway names a leaf it does not own).
 * - KAFKA_REJECTED: Kafka refused the record for good (e.g. too large); the raw bytes are kept here.
 */
export const DEAD_LETTER_REASONS = [
  'INVALID_JSON',
  'SCHEMA_VIOLATION',
  'UNKNOWN_ROUTE',
  'OVERSIZE',
  'TS_OUT_OF_BOUNDS',
  'NON_FINITE',
  'DEVICE_SPOOFED',
  'KAFKA_REJECTED',
] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** A refusal: the reason code, a sentence for humans, and where known the field and rule. */
export interface Rejection {
  reason: DeadLetterReason;
  message: string;
  field?: string;
  rule?: string;
}
