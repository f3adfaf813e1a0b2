/**
 * The codes of every error lib/serde throws (as IotpError). Workers route records that fail with a
 * non-retriable code to the dead-letter topic with the code as `error.reason`; a retriable one
 * (the registry is down) is retried, never dead-lettered.
 *
 * @example
 *   if (error instanceof IotpError && error.code === SerdeErrorCode.UnknownSchemaId) deadLetter(record, error);
 */
export const SerdeErrorCode = {
  /** The first byte is not 0: not Confluent wire format. */
  MagicByte: 'SERDE_MAGIC_BYTE',
  /** The schema id in the header is not in the registry (404). */
  UnknownSchemaId: 'SERDE_UNKNOWN_SCHEMA_ID',
  /** The record ends before the header or the Avro body is complete. */
  Truncated: 'SERDE_TRUNCATED',
  /** The Avro body does not decode with its writer schema (bad union index, trailing bytes, ...). */
  CorruptBody: 'SERDE_CORRUPT_BODY',
  /** The registry could not be reached or answered 5xx. Retriable. */
  RegistryUnavailable: 'SERDE_REGISTRY_UNAVAILABLE',
  /** The writer schema cannot be resolved to the reader schema (incompatible evolution). */
  SchemaMismatch: 'SERDE_SCHEMA_MISMATCH',
  /** A value to encode does not match its schema; the message names the field and the rule. */
  Validation: 'SERDE_VALIDATION',
  /** The registry refused a request (4xx other than not-found), e.g. an invalid or incompatible schema. */
  RegistryRejected: 'SERDE_REGISTRY_REJECTED',
  /** The subject has no registered schema matching the local one (and auto-registration is off). */
  SchemaNotRegistered: 'SERDE_SCHEMA_NOT_REGISTERED',
  /** A .avsc file cannot be read or parsed. */
  SchemaInvalid: 'SCHEMA_INVALID',
} as const;

export type SerdeErrorCodeValue = (typeof SerdeErrorCode)[keyof typeof SerdeErrorCode];
