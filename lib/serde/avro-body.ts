import type { Type } from 'avsc';
import { IotpError } from '../errors.js';
import { SerdeErrorCode } from './error-codes.js';
import { formatIssues, validationIssues } from './validate.js';

/** What avsc's `createResolver` returns (opaque). */
export type AvroResolver = ReturnType<Type['createResolver']>;

/**
 * Decodes an Avro body (no wire header) with its writer type, optionally resolved into a reader
 * type. Throws SERDE_TRUNCATED when the body ends early and SERDE_CORRUPT_BODY when it is invalid
 * (bad union or enum index, precision loss, trailing bytes).
 *
 * @example
 *   const value = decodeAvroBody(readerType, body, readerType.createResolver(writerType));
 */
export function decodeAvroBody(type: Type, body: Buffer, resolver?: AvroResolver): unknown {
  let result: { value: unknown; offset: number };
  try {
    result = type.decode(body, 0, resolver);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IotpError(
      SerdeErrorCode.CorruptBody,
      `Avro body does not decode as ${type.name ?? type.typeName}: ${reason}`,
      {
        cause,
        context: { bodyLength: body.length },
      },
    );
  }
  if (result.offset === -1) {
    throw new IotpError(
      SerdeErrorCode.Truncated,
      `Avro body of ${body.length} bytes ends before a complete ${type.name ?? type.typeName}`,
      { context: { bodyLength: body.length } },
    );
  }
  if (result.offset !== body.length) {
    throw new IotpError(
      SerdeErrorCode.CorruptBody,
      `Avro body has ${body.length - result.offset} trailing byte(s) after a complete ${type.name ?? type.typeName}`,
      { context: { bodyLength: body.length, decodedLength: result.offset } },
    );
  }
  return result.value;
}

/**
 * Encodes a value as an Avro body. A value that breaks the schema throws SERDE_VALIDATION naming
 * every offending field and its rule.
 *
 * @example
 *   encodeAvroBody(envType, { deviceId: 'd1', ts: 1700000000000, temperature: 21.5 });
 */
export function encodeAvroBody(type: Type, value: unknown): Buffer {
  const issues = validationIssues(type, value);
  if (issues.length > 0) {
    const first = issues[0];
    throw new IotpError(SerdeErrorCode.Validation, `invalid ${type.name ?? type.typeName}: ${formatIssues(issues)}`, {
      context: { field: first?.path, rule: first?.rule },
    });
  }
  try {
    return type.toBuffer(value);
  } catch (cause) {
    throw new IotpError(SerdeErrorCode.Validation, `cannot encode ${type.name ?? type.typeName}: ${String(cause)}`, {
      cause,
    });
  }
}
