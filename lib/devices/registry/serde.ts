import {
  createAvroDecoder,
  createAvroEncoder,
  type ParsedSchema,
  type SchemaRegistryClient,
} from '../../serde/index.js';
import type { DeviceRecord } from './record.js';

/** Encodes and decodes registry records (Confluent wire format, subject `<topic>-value`). */
export interface DeviceSerde {
  encode(record: DeviceRecord): Promise<Buffer>;
  decode(bytes: Buffer): Promise<DeviceRecord>;
}

/**
 * The registry's Avro serde on the project's serde: writes look the schema up under
 * `<topic>-value` (registered by `iotp setup` / `iotp schemas register`), reads resolve any
 * compatible writer version into the local schema.
 *
 * @example
 *   const serde = deviceSerde({ registry, schema: loadSchemaFile('schemas/device.avsc'), topic: 'telemetry.devices' });
 */
export function deviceSerde(options: {
  registry: Pick<SchemaRegistryClient, 'lookupId' | 'register' | 'schemaById'>;
  schema: ParsedSchema;
  topic: string;
  autoRegister?: boolean;
}): DeviceSerde {
  const encoder = createAvroEncoder<DeviceRecord>({
    registry: options.registry,
    subject: `${options.topic}-value`,
    schema: options.schema,
    autoRegister: options.autoRegister ?? false,
  });
  const decoder = createAvroDecoder<DeviceRecord>({ registry: options.registry, reader: options.schema });
  return {
    encode: (record) => encoder.encode(record),
    decode: async (bytes) => (await decoder.decode(bytes)).value,
  };
}
