/**
 * The ONE table of dead-letter reasons: the value of `error.reason` on every record of the
 * dead-letter topic, and the `reason` label of the dead-letter metrics. A code has one meaning
 * wherever it is written; `error.stage` says which stage wrote it, `error.code` the detailed error
 * code behind it (e.g. `SERDE_UNKNOWN_SCHEMA_ID`) and `error.message` the sentence for humans.
 * docs/ARCHITECTURE.md ("Dead letters") prints this table.
 */
export const DEAD_LETTER_REASONS = {
  // MQTT source: the message as published, before any Kafka record was made of it.
  INVALID_JSON: { stages: ['mqtt-source'], meaning: 'the payload is not UTF-8 JSON' },
  SCHEMA_VIOLATION: {
    stages: ['mqtt-source'],
    meaning: "JSON that does not fit the route's Avro schema (error.field and error.rule name where)",
  },
  UNKNOWN_ROUTE: {
    stages: ['mqtt-source'],
    meaning: "no route matches the MQTT topic, the route's schema does not exist, or its Kafka topic is missing",
  },
  OVERSIZE: { stages: ['mqtt-source'], meaning: 'the payload is larger than mqtt.maxPayloadBytes' },
  TS_OUT_OF_BOUNDS: {
    stages: ['mqtt-source'],
    meaning: 'the event time is further in the future (mqtt.maxClockSkew) or the past than allowed',
  },
  NON_FINITE: { stages: ['mqtt-source'], meaning: 'a NaN or infinite number, or one that overflows a double' },
  DEVICE_SPOOFED: {
    stages: ['mqtt-source'],
    meaning: "the payload's deviceId is not the topic's (or a gateway names a device it does not own)",
  },
  KAFKA_REJECTED: { stages: ['mqtt-source'], meaning: 'Kafka refused the record for good (e.g. too large)' },
  UNKNOWN_DEVICE: {
    stages: ['mqtt-source'],
    meaning: 'the device is not in the device registry and devices.unknownDevice is dead-letter',
  },
  // Consumed records (stream runtime, InfluxDB sink): `source.*` headers say where they were read.
  DESERIALIZATION_FAILED: {
    stages: ['streams', 'influxdb-sink', 'archive-sink', 'mqtt-sink'],
    meaning: 'the key or value cannot be decoded (not Confluent wire format, unknown schema id, corrupt Avro or JSON)',
  },
  INVALID_TIMESTAMP: { stages: ['streams'], meaning: 'the event time is negative or not a number' },
  PROCESSING_FAILED: {
    stages: ['streams'],
    meaning: 'a topology step refused the decoded record (e.g. a non-finite field, a null key to aggregate)',
  },
  PUNCTUATION_FAILED: { stages: ['streams'], meaning: 'a scheduled punctuation failed on the record it was handling' },
  PRODUCTION_FAILED: { stages: ['streams'], meaning: 'an output of the topology could not be serialized' },
  UNMAPPABLE: {
    stages: ['influxdb-sink'],
    meaning:
      'decoded, but no InfluxDB point can be made (no event time, a name InfluxDB cannot store, no numeric field)',
  },
  INFLUX_REJECTED: {
    stages: ['influxdb-sink'],
    meaning:
      'InfluxDB refused the point (e.g. a field type conflict); influx.status and error.message carry its answer',
  },
  UNARCHIVABLE: {
    stages: ['archive-sink'],
    meaning:
      'decoded, but the archive cannot lay it out (no event time in 1970..9999, a schema that is not a record, a field named like its Kafka columns)',
  },
  // MQTT sink (commands to devices): a consumed command it did not publish.
  COMMAND_EXPIRED: {
    stages: ['mqtt-sink'],
    meaning: "the command's expiry passed before it could be published to the device",
  },
  COMMAND_INVALID: {
    stages: ['mqtt-sink'],
    meaning:
      'the command cannot be published: its deviceId is not one MQTT topic level or differs from the key, or its payload is not a JSON object',
  },
  MQTT_REFUSED: {
    stages: ['mqtt-sink'],
    meaning:
      "the broker refused the publish for good (MQTT 5 PUBACK reason code, e.g. 135 not authorized: the sink's ACL)",
  },
} as const satisfies Record<string, { stages: readonly DeadLetterStage[]; meaning: string }>;

/** Which stage wrote a dead letter (`error.stage`). */
export type DeadLetterStage = 'mqtt-source' | 'streams' | 'influxdb-sink' | 'archive-sink' | 'mqtt-sink';
export const DEAD_LETTER_STAGES: readonly DeadLetterStage[] = [
  'mqtt-source',
  'streams',
  'influxdb-sink',
  'archive-sink',
  'mqtt-sink',
];

/** A code of the reason table. */
export type DeadLetterReason = keyof typeof DEAD_LETTER_REASONS;

/** The codes one stage writes, as a type: `ReasonOf<'influxdb-sink'>` = 'DESERIALIZATION_FAILED' | 'UNMAPPABLE' | 'INFLUX_REJECTED'. */
export type ReasonOf<S extends DeadLetterStage> = {
  [K in DeadLetterReason]: S extends (typeof DEAD_LETTER_REASONS)[K]['stages'][number] ? K : never;
}[DeadLetterReason];

/** The reasons one stage writes, in table order (e.g. to pre-create metric label sets). */
export function reasonsOf<S extends DeadLetterStage>(stage: S): ReasonOf<S>[] {
  return (Object.keys(DEAD_LETTER_REASONS) as DeadLetterReason[]).filter((r) =>
    (DEAD_LETTER_REASONS[r].stages as readonly DeadLetterStage[]).includes(stage),
  ) as ReasonOf<S>[];
}

/** True when `code` is a reason of the table. */
export function isDeadLetterReason(code: string): code is DeadLetterReason {
  return Object.hasOwn(DEAD_LETTER_REASONS, code);
}
