import avro, { type Type } from 'avsc';
import { IotpError } from '../errors.js';
import { SerdeErrorCode } from './error-codes.js';

/** A JSON Avro schema as written in a .avsc file (after JSON.parse). */
export type AvroSchemaJson = string | AvroSchemaJson[] | { [key: string]: unknown };

/**
 * A parsed Avro schema: the avsc type for encoding and decoding, the original JSON (with docs,
 * defaults and logical types, which avsc's own `schema()` drops) and the compact text sent to the
 * registry.
 *
 * @example
 *   const env = parseAvroSchema(readFileSync('schemas/environment.avsc', 'utf8'));
 *   env.name; // 'iotp.telemetry.EnvironmentReading'
 */
export interface ParsedSchema {
  type: Type;
  json: AvroSchemaJson;
  /** `JSON.stringify(json)`: what `register` sends and what the registry stores. */
  text: string;
  /** Full name of a named top-level type (record, enum, fixed), else the type name. */
  name: string;
}

/**
 * The avsc options used for every schema of the project (local or from the registry): avsc's
 * defaults. A fresh object per call: avsc keeps its registry of named types in the options.
 */
export function avscOptions(): Record<string, never> {
  return {};
}

/** Parses an Avro schema (JSON text or object). Throws SCHEMA_INVALID with avsc's reason. */
export function parseAvroSchema(schema: string | AvroSchemaJson): ParsedSchema {
  let json: AvroSchemaJson;
  if (typeof schema === 'string' && /^\s*[[{"]/.test(schema)) {
    try {
      json = JSON.parse(schema) as AvroSchemaJson;
    } catch (cause) {
      throw new IotpError(SerdeErrorCode.SchemaInvalid, `schema is not JSON: ${String(cause)}`, { cause });
    }
  } else {
    json = schema;
  }
  let type: Type;
  try {
    type = avro.Type.forSchema(json as Parameters<typeof avro.Type.forSchema>[0], avscOptions());
  } catch (cause) {
    throw new IotpError(
      SerdeErrorCode.SchemaInvalid,
      `invalid Avro schema: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  return { type, json, text: JSON.stringify(json), name: type.name ?? type.typeName };
}
