import type { Type } from 'avsc';
import { IotpError } from '../../lib/errors.js';
import {
  type AvroEncoder,
  createAvroEncoder,
  type ParsedSchema,
  type SchemaRegistryClient,
  WIRE_HEADER_LENGTH,
} from '../../lib/serde/index.js';

/**
 * Encodes record values in the Confluent wire format under the route's subject (`<topic>-value`
 * by default), with the schema the route names. One lib/serde encoder per (subject, schema), created on first use; the
 * registry is asked once for each id.
 *
 * Values reaching it have been conformed to their schema already (conform-to-avro.ts), so once the
 * id is known a value is written straight into a reused buffer (avsc's writer still refuses a
 * value that does not fit); only a value it refuses goes through lib/serde's validating encoder,
 * which names the field and rule in its SERDE_VALIDATION error.
 *
 * @example
 *   const encoder = createRecordEncoder({ registry, schemas, autoRegister: false });
 *   const bytes = await encoder.encode('telemetry.environment-value', 'environment', value);
 *   encoder.encodeSync('telemetry.environment-value', 'environment', value); // the same bytes, now
 */
export interface RecordEncoder {
  encode(subject: string, schemaName: string, value: unknown): Promise<Buffer>;
  /**
   * The encoded value when the subject's schema id is known already, else undefined (then use
   * `encode`). Throws what `encode` would reject with.
   */
  encodeSync(subject: string, schemaName: string, value: unknown): Buffer | undefined;
}

export interface RecordEncoderOptions {
  registry: Pick<SchemaRegistryClient, 'lookupId' | 'register'>;
  /** Parsed schemas by name (the .avsc base name). */
  schemas: ReadonlyMap<string, ParsedSchema>;
  autoRegister: boolean;
}

interface SubjectEncoder {
  serde: AvroEncoder<unknown>;
  type: Type;
  /** Set once the registry answered. */
  id?: number;
}

/** Values larger than this are left to lib/serde's encoder (readings are tens of bytes). */
const SCRATCH_BYTES = 64 * 1024;

export function createRecordEncoder(options: RecordEncoderOptions): RecordEncoder {
  const bySubject = new Map<string, Map<string, SubjectEncoder>>();
  const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

  const lookup = (subject: string, schemaName: string): SubjectEncoder | undefined =>
    bySubject.get(subject)?.get(schemaName);

  const create = (subject: string, schemaName: string): SubjectEncoder | undefined => {
    const schema = options.schemas.get(schemaName);
    if (!schema) return undefined;
    const entry: SubjectEncoder = {
      serde: createAvroEncoder({ registry: options.registry, subject, schema, autoRegister: options.autoRegister }),
      type: schema.type,
    };
    let bySchema = bySubject.get(subject);
    if (!bySchema) {
      bySchema = new Map();
      bySubject.set(subject, bySchema);
    }
    bySchema.set(schemaName, entry);
    return entry;
  };

  const write = (entry: SubjectEncoder, id: number, value: unknown): Buffer => {
    let end = -1;
    try {
      end = entry.type.encode(value, scratch, WIRE_HEADER_LENGTH);
    } catch {
      // Refused by avsc's writer: lib/serde's encoder says why.
    }
    if (end < 0) return entry.serde.encodeSync(value);
    scratch[0] = 0;
    scratch.writeInt32BE(id, 1);
    const out = Buffer.allocUnsafe(end);
    scratch.copy(out, 0, 0, end);
    return out;
  };

  return {
    async encode(subject, schemaName, value) {
      const entry = lookup(subject, schemaName) ?? create(subject, schemaName);
      if (!entry)
        throw new IotpError('MQTT_SOURCE_SCHEMA_NOT_LOADED', `schema ${schemaName} is not in the schemas directory`);
      entry.id ??= await entry.serde.schemaId();
      return write(entry, entry.id, value);
    },
    encodeSync(subject, schemaName, value) {
      const entry = lookup(subject, schemaName);
      return entry?.id === undefined ? undefined : write(entry, entry.id, value);
    },
  };
}
