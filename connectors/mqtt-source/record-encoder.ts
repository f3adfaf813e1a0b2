import { IotpError } from '../../lib/errors.js';
import {
  type AvroEncoder,
  createAvroEncoder,
  type ParsedSchema,
  type SchemaRegistryClient,
} from '../../lib/serde/index.js';

/**
 * Encodes record values in the Confluent wire format under the route's subject (`<topic>-value`
 * by default), with the schema the route names. One lib/serde encoder per (subject, schema), created on first use; the
 * registry is asked once for each id.
 *
 * @example
 *   const encoder = createRecordEncoder({ registry, schemas, autoRegister: false });
 *   const bytes = await encoder.encode('telemetry.environment-value', 'environment', value);
 */
export interface RecordEncoder {
  encode(subject: string, schemaName: string, value: unknown): Promise<Buffer>;
}

export interface RecordEncoderOptions {
  registry: Pick<SchemaRegistryClient, 'lookupId' | 'register'>;
  /** Parsed schemas by name (the .avsc base name). */
  schemas: ReadonlyMap<string, ParsedSchema>;
  autoRegister: boolean;
}

export function createRecordEncoder(options: RecordEncoderOptions): RecordEncoder {
  const encoders = new Map<string, AvroEncoder<unknown>>();
  return {
    encode(subject, schemaName, value) {
      const key = `${subject}\u0000${schemaName}`;
      let encoder = encoders.get(key);
      if (!encoder) {
        const schema = options.schemas.get(schemaName);
        if (!schema)
          return Promise.reject(
            new IotpError('MQTT_SOURCE_SCHEMA_NOT_LOADED', `schema ${schemaName} is not in the schemas directory`),
          );
        encoder = createAvroEncoder({
          registry: options.registry,
          subject,
          schema,
          autoRegister: options.autoRegister,
        });
        encoders.set(key, encoder);
      }
      return encoder.encode(value);
    },
  };
}
