import type { RawRecord } from '../record.js';

/**
 * Picks a record's event time (ms since epoch). The default is the Kafka record timestamp, which
 * the MQTT source sets to the reading's event time. Return a negative number to mark the timestamp
 * invalid: the record then goes to the dead-letter topic (stage `timestamp`).
 *
 * @example
 *   const fromValue: TimestampExtractor<{ ts: number }> = (raw, value) => value.ts;
 */
export type TimestampExtractor<V = unknown> = (raw: RawRecord, value: V) => number;

export const recordTimestamp: TimestampExtractor = (raw) => raw.timestamp;
