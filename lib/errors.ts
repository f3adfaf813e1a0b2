/**
 * The one error tree of the project (after kafkajs' errors.js and @platformatic/kafka's
 * GenericError): every error has a stable `code`, a `retriable` flag that retry logic reads (never
 * the message text), an optional `cause`, and context (topic, partition, offset, deviceId, ...).
 *
 * @example
 *   throw new IotpError('SERDE_UNKNOWN_SCHEMA_ID', `schema id ${id} is not in the registry`, {
 *     retriable: false, context: { topic, partition, offset },
 *   });
 */
export type ErrorContext = Record<string, string | number | boolean | undefined>;

export interface IotpErrorOptions {
  retriable?: boolean;
  cause?: unknown;
  context?: ErrorContext;
}

export class IotpError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: ErrorContext;

  constructor(code: string, message: string, options: IotpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IotpError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }

  /** A copy with more context (the original context wins on conflicts). */
  withContext(context: ErrorContext): IotpError {
    return new IotpError(this.code, this.message, {
      retriable: this.retriable,
      cause: this.cause,
      context: { ...context, ...this.context },
    });
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, retriable: this.retriable, context: this.context };
  }
}

/** A configuration error names the key and what was expected. */
export class ConfigError extends IotpError {
  readonly key: string;
  constructor(key: string, message: string, options: IotpErrorOptions = {}) {
    super('CONFIG_INVALID', `${key}: ${message}`, options);
    this.name = 'ConfigError';
    this.key = key;
  }
}

export function isRetriable(error: unknown): boolean {
  return error instanceof IotpError ? error.retriable : false;
}

/** Wraps anything thrown into an IotpError with `code` unless it already is one. */
export function toIotpError(error: unknown, code: string, options: IotpErrorOptions = {}): IotpError {
  if (error instanceof IotpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new IotpError(code, message, { ...options, cause: error });
}
