/**
 * Avro serde for the pipeline: Confluent wire format (0x00 + schema id + Avro body), a schema
 * registry client (Apicurio's or Confluent's Confluent-compatible API), writer-to-reader
 * resolution, a compatibility checker that explains, and field discovery from schemas.
 */

export { type AvroResolver, decodeAvroBody, encodeAvroBody } from './avro-body.js';
export { type AvroSchemaJson, type ParsedSchema, parseAvroSchema } from './avro-schema.js';
export {
  COMPATIBILITY_LEVELS,
  type CompatIssue,
  type CompatibilityLevel,
  type CompatResult,
  checkCompatibility,
  parseCompatibilityLevel,
  type ResolutionIssue,
  readerIssues,
} from './compat.js';
export { type AvroDecoder, type AvroDecoderOptions, createAvroDecoder, type Decoded } from './decoder.js';
export { type AvroEncoder, type AvroEncoderOptions, createAvroEncoder } from './encoder.js';
export { SerdeErrorCode, type SerdeErrorCodeValue } from './error-codes.js';
export {
  discoverFields,
  eventContractIssues,
  type FieldCatalog,
  type FieldRange,
  type NumericField,
  parseDocRange,
  parseDocUnit,
  readingContractIssues,
  type TagField,
} from './fields.js';
export {
  createSchemaRegistryClient,
  type RegistryStats,
  type RegistryVerdict,
  type SchemaRegistryClient,
  type SchemaRegistryClientOptions,
  type SubjectVersion,
} from './registry-client.js';
export type { RegistryConnection } from './registry-http.js';
export { type LocalSchema, listSchemaFiles, loadSchemaFile } from './schema-file.js';
export { formatIssues, type ValidationIssue, validationIssues } from './validate.js';
export { encodeWire, MAGIC_BYTE, parseWire, WIRE_HEADER_LENGTH, type WireRecord } from './wire-format.js';
