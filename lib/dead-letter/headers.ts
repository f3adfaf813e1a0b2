/**
 * The dead-letter vocabulary: the header names every stage (MQTT source, stream runtime, InfluxDB
 * sink) writes on a record of the dead-letter topic, each with one meaning. Values are UTF-8 strings;
 * times named `*.time` are ISO-8601, the others epoch ms or counts as decimal strings.
 */
export const DLQ_HEADERS = {
  /** Which stage refused the record: `mqtt-source`, `streams`, `influxdb-sink` (reasons.ts: DeadLetterStage). */
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
  /** InfluxDB's HTTP status and the line it refused (sink, INFLUX_REJECTED). */
  influxStatus: 'influx.status',
  influxLine: 'influx.line',
  /**
   * Set by `iotp dlq replay` on every record it sends back: `<topic>/<partition>/<offset>` of the
   * dead letter it came from. A dead letter that carries it is the dead letter of a replay: it is
   * never replayed again (a replay of a replay is refused).
   */
  replayOf: 'replay.of',
  /** When the replay sent it (ISO-8601). */
  replayTime: 'replay.time',
  /**
   * On a replay receipt (a record without key or value that `iotp dlq replay` writes to the
   * dead-letter topic in the same transaction as what it sends back): the coordinates of the dead
   * letter replayed. A dead letter with a receipt is not replayed twice. Receipts are not dead letters.
   */
  replayReceipt: 'replay.receipt',
} as const;

/** `<topic>/<partition>/<offset>`: how replay headers name a dead letter. */
export function deadLetterCoordinates(record: { topic: string; partition: number; offset: string }): string {
  return `${record.topic}/${record.partition}/${record.offset}`;
}
