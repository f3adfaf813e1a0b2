import { IotpError } from '../errors.js';
import { SerdeErrorCode } from './error-codes.js';

/** Confluent error codes the ccompat API answers with (Apicurio uses the same numbers). */
export const RegistryErrorCode = {
  SubjectNotFound: 40401,
  VersionNotFound: 40402,
  SchemaNotFound: 40403,
  InvalidSchema: 42201,
  InvalidCompatibilityLevel: 42203,
  Incompatible: 409,
} as const;

/**
 * Maps an HTTP outcome of the registry to the serde error tree: no answer or 5xx is
 * SERDE_REGISTRY_UNAVAILABLE (retriable); 404 is `notFoundCode`; any other refusal is
 * SERDE_REGISTRY_REJECTED with the registry's own message.
 */
export function registryHttpError(
  operation: string,
  status: number | undefined,
  message: string,
  options: { notFoundCode?: string; cause?: unknown; context?: Record<string, string | number | undefined> } = {},
): IotpError {
  const context = { operation, status, ...options.context };
  if (status === undefined || status >= 500 || status === 408 || status === 429) {
    return new IotpError(
      SerdeErrorCode.RegistryUnavailable,
      `schema registry unavailable during ${operation}: ${message}`,
      { retriable: true, cause: options.cause, context },
    );
  }
  if (status === 404 && options.notFoundCode) {
    return new IotpError(options.notFoundCode, `${operation}: ${message}`, { cause: options.cause, context });
  }
  return new IotpError(SerdeErrorCode.RegistryRejected, `registry refused ${operation} (HTTP ${status}): ${message}`, {
    cause: options.cause,
    context,
  });
}
