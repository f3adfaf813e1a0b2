import type { Type } from 'avsc';
import { IotpError } from '../errors.js';
import { type AvroResolver, decodeAvroBody } from './avro-body.js';
import type { ParsedSchema } from './avro-schema.js';
import { readerIssues } from './compat.js';
import { SerdeErrorCode } from './error-codes.js';
import type { SchemaRegistryClient } from './registry-client.js';
import { parseWire } from './wire-format.js';

/** A decoded record: the value (in the reader's shape) and the schema id it was written with. */
export interface Decoded<T> {
  value: T;
  schemaId: number;
}

export interface AvroDecoderOptions {
  registry: Pick<SchemaRegistryClient, 'schemaById'>;
  /**
   * The schema the consumer was built against. Records written with another (compatible) version
   * are resolved into it: missing fields take their defaults, unknown fields are skipped.
   * Omitted: values come in the writer's shape.
   */
  reader?: ParsedSchema | Type;
}

/**
 * Decodes Confluent wire-format records. Every failure is an IotpError with a SERDE_* code:
 * MAGIC_BYTE, TRUNCATED, UNKNOWN_SCHEMA_ID, CORRUPT_BODY, SCHEMA_MISMATCH (the writer cannot be
 * resolved to the reader; the message names the fields), REGISTRY_UNAVAILABLE (retriable).
 *
 * @example
 *   const decoder = createAvroDecoder<EnvironmentReading>({ registry, reader: loadSchemaFile('schemas/environment.avsc') });
 *   const { value } = await decoder.decode(record.value);
 */
export interface AvroDecoder<T> {
  decode(bytes: Buffer): Promise<Decoded<T>>;
}

interface Plan {
  type: Type;
  resolver?: AvroResolver;
}

function readerType(reader: ParsedSchema | Type | undefined): Type | undefined {
  if (reader === undefined) return undefined;
  return 'json' in reader && 'text' in reader ? reader.type : (reader as Type);
}

export function createAvroDecoder<T = unknown>(options: AvroDecoderOptions): AvroDecoder<T> {
  const reader = readerType(options.reader);
  const plans = new Map<number, Plan>();

  async function planFor(schemaId: number): Promise<Plan> {
    const cached = plans.get(schemaId);
    if (cached) return cached;
    const writer = await options.registry.schemaById(schemaId);
    let plan: Plan;
    if (!reader || reader.equals(writer)) {
      plan = { type: reader ?? writer };
    } else {
      try {
        plan = { type: reader, resolver: reader.createResolver(writer, { ignoreNamespaces: true }) };
      } catch (cause) {
        const why = readerIssues(reader, writer)
          .map((i) => `${i.path}: ${i.reason}`)
          .join('; ');
        throw new IotpError(
          SerdeErrorCode.SchemaMismatch,
          `data written with schema id ${schemaId} (${writer.name ?? writer.typeName}) cannot be read as ${reader.name ?? reader.typeName}: ${why || String(cause)}`,
          { cause, context: { schemaId } },
        );
      }
    }
    plans.set(schemaId, plan);
    return plan;
  }

  return {
    async decode(bytes) {
      const { schemaId, body } = parseWire(bytes);
      const plan = await planFor(schemaId);
      try {
        return { value: decodeAvroBody(plan.type, body, plan.resolver) as T, schemaId };
      } catch (error) {
        throw error instanceof IotpError ? error.withContext({ schemaId }) : error;
      }
    },
  };
}
