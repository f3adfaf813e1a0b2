import { IotpError } from '../errors.js';
import { encodeAvroBody } from './avro-body.js';
import type { ParsedSchema } from './avro-schema.js';
import { SerdeErrorCode } from './error-codes.js';
import type { SchemaRegistryClient } from './registry-client.js';
import { encodeWire } from './wire-format.js';

export interface AvroEncoderOptions {
  registry: Pick<SchemaRegistryClient, 'lookupId' | 'register'>;
  /** Subject the schema is registered under, `<topic>-value` (TopicNameStrategy). */
  subject: string;
  schema: ParsedSchema;
  /**
   * Register the schema when the subject does not have it yet (default false: schemas are
   * registered by `iotp schemas register` after review, and an unregistered schema is an error).
   */
  autoRegister?: boolean;
}

/**
 * Encodes values of one schema in Confluent wire format. The schema id is looked up once (then
 * kept); `encode` validates and throws SERDE_VALIDATION naming each bad field and its rule.
 *
 * @example
 *   const encoder = createAvroEncoder({ registry, subject: 'telemetry.environment-value', schema });
 *   await encoder.schemaId();            // once, at start: fails fast if not registered
 *   const bytes = encoder.encodeSync({ deviceId: 'd1', ts: 1700000000000, site: '', temperature: 21.5 });
 */
export interface AvroEncoder<T> {
  /** Resolves the schema id (looked up or registered), once. */
  schemaId(): Promise<number>;
  encode(value: T): Promise<Buffer>;
  /** Encodes with the id resolved by a previous `schemaId()`; throws if it was never resolved. */
  encodeSync(value: T): Buffer;
}

export function createAvroEncoder<T = unknown>(options: AvroEncoderOptions): AvroEncoder<T> {
  let id: number | undefined;
  let pending: Promise<number> | undefined;

  async function resolveId(): Promise<number> {
    const found = await options.registry.lookupId(options.subject, options.schema);
    if (found !== undefined) return found;
    if (options.autoRegister) return options.registry.register(options.subject, options.schema);
    throw new IotpError(
      SerdeErrorCode.SchemaNotRegistered,
      `subject ${options.subject} has no version equal to the local ${options.schema.name}: run 'iotp schemas register'`,
      { context: { subject: options.subject } },
    );
  }

  function encodeSync(value: T): Buffer {
    if (id === undefined) {
      throw new IotpError(
        SerdeErrorCode.SchemaNotRegistered,
        `encodeSync before schemaId() resolved for ${options.subject}`,
      );
    }
    return encodeWire(id, encodeAvroBody(options.schema.type, value));
  }

  const encoder: AvroEncoder<T> = {
    async schemaId() {
      if (id !== undefined) return id;
      pending ??= resolveId().then(
        (resolved) => {
          id = resolved;
          return resolved;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    async encode(value) {
      await encoder.schemaId();
      return encodeSync(value);
    },
    encodeSync,
  };
  return encoder;
}
