import { IotpError } from '../errors.js';
import { SerdeErrorCode } from './error-codes.js';

/** Confluent wire format: magic byte 0, schema id as a 4-byte big-endian int, then the Avro body. */
export const MAGIC_BYTE = 0;
export const WIRE_HEADER_LENGTH = 5;

/** A record split into its header's schema id and its (unparsed) Avro body. */
export interface WireRecord {
  schemaId: number;
  /** A view into the input buffer (no copy). */
  body: Buffer;
}

/**
 * Prepends the 5-byte Confluent header to an Avro body.
 *
 * @example
 *   const bytes = encodeWire(42, type.toBuffer(value)); // <00 00 00 00 2a ...body>
 */
export function encodeWire(schemaId: number, body: Buffer): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) {
    throw new IotpError(SerdeErrorCode.Validation, `schema id must be an int32 >= 0, got ${schemaId}`);
  }
  const out = Buffer.allocUnsafe(WIRE_HEADER_LENGTH + body.length);
  out[0] = MAGIC_BYTE;
  out.writeInt32BE(schemaId, 1);
  body.copy(out, WIRE_HEADER_LENGTH);
  return out;
}

/**
 * Splits a Kafka record value into schema id and body. Throws SERDE_TRUNCATED when the 5-byte
 * header is incomplete and SERDE_MAGIC_BYTE when the first byte is not 0.
 *
 * @example
 *   const { schemaId, body } = parseWire(record.value);
 */
export function parseWire(bytes: Buffer): WireRecord {
  if (bytes.length === 0) {
    throw new IotpError(SerdeErrorCode.Truncated, 'empty value: expected a 5-byte Confluent header and an Avro body', {
      context: { length: 0 },
    });
  }
  if (bytes[0] !== MAGIC_BYTE) {
    throw new IotpError(
      SerdeErrorCode.MagicByte,
      `magic byte is 0x${(bytes[0] ?? 0).toString(16).padStart(2, '0')}, expected 0x00 (Confluent wire format)`,
      { context: { magicByte: bytes[0] } },
    );
  }
  if (bytes.length < WIRE_HEADER_LENGTH) {
    throw new IotpError(
      SerdeErrorCode.Truncated,
      `value is ${bytes.length} bytes: the Confluent header alone needs ${WIRE_HEADER_LENGTH}`,
      { context: { length: bytes.length } },
    );
  }
  const schemaId = bytes.readInt32BE(1);
  return { schemaId, body: bytes.subarray(WIRE_HEADER_LENGTH) };
}
