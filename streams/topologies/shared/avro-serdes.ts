import { IotpError } from '../../../lib/errors.js';
import {
  createAvroDecoder,
  createAvroEncoder,
  type LocalSchema,
  type SchemaRegistryClient,
} from '../../../lib/serde/index.js';
import type { Serde } from '../../runtime/serde.js';

/**
 * A source serde for Confluent wire-format Avro records, resolved into the local `reader` schema
 * (records written with an older compatible schema get their defaults). Decoding errors are coded
 * SERDE_* errors, which the runtime dead-letters with the raw bytes.
 *
 * @example
 *   builder.stream(route.topic, { keySerde: Serdes.string(), valueSerde: avroReadingSerde(registry, route.schema) });
 */
export function avroReadingSerde(
  registry: Pick<SchemaRegistryClient, 'schemaById'>,
  reader: LocalSchema,
): Serde<unknown> {
  const decoder = createAvroDecoder<unknown>({ registry, reader });
  return {
    serialize: () => {
      throw new IotpError('STREAMS_READ_ONLY_SERDE', `the reading serde of ${reader.baseName} only reads`);
    },
    deserialize: async (bytes, topic) => {
      if (bytes === null)
        throw new IotpError('SERDE_NULL', `a reading on ${topic} has a null value (tombstone)`, { context: { topic } });
      return (await decoder.decode(bytes)).value;
    },
  };
}

/**
 * A sink serde writing `schema` records under `<topic>-value`. The schema id is resolved now, so a
 * worker whose output schema is not registered fails at start ("run iotp setup"), not on its first
 * result.
 *
 * @example
 *   const serde = await avroOutputSerde(registry, 'telemetry.anomalies', config.outputSchemas.anomaly, false);
 */
export async function avroOutputSerde<T>(
  registry: Pick<SchemaRegistryClient, 'lookupId' | 'register'>,
  topic: string,
  schema: LocalSchema,
  autoRegister: boolean,
): Promise<Serde<T>> {
  const encoder = createAvroEncoder<T>({ registry, subject: `${topic}-value`, schema, autoRegister });
  try {
    await encoder.schemaId();
  } catch (cause) {
    throw new IotpError(
      'STREAMS_OUTPUT_SCHEMA',
      `cannot write ${topic}: schema ${schema.baseName} is not registered under ${topic}-value (run 'iotp setup'): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, context: { topic } },
    );
  }
  return {
    serialize: (value) => encoder.encodeSync(value),
    deserialize: () => {
      throw new IotpError('STREAMS_WRITE_ONLY_SERDE', `the output serde of ${topic} only writes`);
    },
  };
}
