/**
 * The dead-letter vocabulary: the header names every stage (MQTT source, stream runtime, InfluxDB
 * sink) writes on a record of the dead-letter topic, each with one meaning. Values are UTF-8 strings;
 * times named `*.time` are ISO-8601, the others epoch ms or counts as decimal strings.
 */
export const DLQ_HEADERS = {
  /** Which stage refused the record: `mqtt-source`, `streams`, `influxdb-sink`. */
  stage: 'error.stage',
  /** Why, as a code of the reason table (`reasons.ts`), never free text. */
  reason: 'error.reason',
  /** The detailed error code behind the reason (e.g. `SERDE_UNKNOWN_SCHEMA_ID`), where there is one. */
  code: 'error.code',
  /** A sentence for humans. */
  message: 'error.message',
  /** When the record was refused (ISO-8601). */
  time: 'error.time',
  /** The replica (client id, host) that refused it. */
  source: 'error.source',
  /** The topology step that refused it (streams). */
  step: 'error.step',
  /** The field and rule a validation failed on (MQTT source). */
  field: 'error.field',
  rule: 'error.rule',
  /** Index of the refused reading inside a gateway's JSON array (the whole payload is kept). */
  index: 'error.index',
  /** Where a consumed record came from (streams, sink). */
  sourceTopic: 'source.topic',
  sourcePartition: 'source.partition',
  sourceOffset: 'source.offset',
  sourceTimestamp: 'source.timestamp',
  /** Set when the payload was cut to fit Kafka: 'true'. */
  payloadTruncated: 'payload.truncated',
  /** Size in bytes of the original payload (always set when truncated). */
  payloadSize: 'payload.size',
  /** SHA-256 (hex) of the whole original payload (set when truncated). */
  payloadSha256: 'payload.sha256',
} as const;
