import { type ReasonOf, reasonsOf } from '../../lib/dead-letter/reasons.js';

/**
 * Why a message (or one reading of a gateway batch) went to the dead-letter topic: the MQTT
 * source's codes of the one reason table (lib/dead-letter/reasons.ts, where each is explained).
 * The code travels in the `error.reason` header and labels `iotp_mqtt_dead_letters_total`:
 * INVALID_JSON, SCHEMA_VIOLATION, UNKNOWN_ROUTE, OVERSIZE, TS_OUT_OF_BOUNDS, NON_FINITE,
 * DEVICE_SPOOFED, KAFKA_REJECTED.
 */
export const DEAD_LETTER_REASONS = reasonsOf('mqtt-source');

export type DeadLetterReason = ReasonOf<'mqtt-source'>;

/** A refusal: the reason code, a sentence for humans, and where known the field and rule. */
export interface Rejection {
  reason: DeadLetterReason;
  message: string;
  field?: string;
  rule?: string;
}
