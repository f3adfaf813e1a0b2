import type { ErrorContext, IotpError } from '../../errors.js';
import { IotpError as IotpErrorClass } from '../../errors.js';
import { kafkaError, protocolError } from '../kafka-error.js';
import { loadRdkafka } from './load.js';

interface LibrdkafkaErrorLike {
  message?: string;
  code?: number;
  isRetriable?: boolean;
  isFatal?: boolean;
  isTxnRequiresAbort?: boolean;
}

/** librdkafka's local (negative) errors that a retry can cure. */
const RETRIABLE_LOCAL = new Set([
  'ERR__TRANSPORT',
  'ERR__TIMED_OUT',
  'ERR__MSG_TIMED_OUT',
  'ERR__ALL_BROKERS_DOWN',
  'ERR__QUEUE_FULL',
  'ERR__RESOLVE',
  'ERR__WAIT_COORD',
  'ERR__TIMED_OUT_QUEUE',
  'ERR__RETRY',
]);

let names: Map<number, string> | undefined;
function nameOf(code: number): string | undefined {
  if (!names) {
    names = new Map();
    for (const [name, value] of Object.entries(loadRdkafka().CODES.ERRORS as Record<string, number>))
      names.set(value, name);
  }
  return names.get(code);
}

/**
 * Maps a librdkafka error to the seam's IotpError. `retriable` is librdkafka's own flag when it sets
 * one (transactional and fatal errors carry it), otherwise the Kafka error table's for broker codes
 * and a short list of transient local codes.
 */
export function fromRdkafkaError(error: unknown, operation: string, context: ErrorContext = {}): IotpError {
  if (error instanceof IotpErrorClass) return error.withContext(context);
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as LibrdkafkaErrorLike;
  const code = typeof e.code === 'number' ? e.code : undefined;
  const name = code === undefined ? undefined : nameOf(code);
  const extra: ErrorContext = { ...context };
  if (e.isFatal) extra.fatal = true;
  if (e.isTxnRequiresAbort) extra.abortable = true;
  let retriable: boolean;
  if (e.isFatal) retriable = false;
  else if (e.isRetriable !== undefined) retriable = e.isRetriable;
  else if (code !== undefined && code > 0) retriable = protocolError(code)?.retriable ?? false;
  else retriable = name !== undefined && RETRIABLE_LOCAL.has(name);
  return kafkaError({
    backend: 'rdkafka',
    operation,
    cause: error,
    message: e.message ?? String(error),
    ...(code !== undefined && code > 0 ? { protocolCode: code } : {}),
    clientName: name?.replace(/^ERR_+/, '') ?? 'ERROR',
    retriable,
    fenced: name === 'ERR__FENCED',
    context: extra,
  });
}

/** A node-style callback call as a promise, with the error mapped. */
export function rdkafkaCall<T>(
  operation: string,
  fn: (cb: (err: unknown, value?: T) => void) => void,
  context: ErrorContext = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      fn((err, value) => (err ? reject(fromRdkafkaError(err, operation, context)) : resolve(value as T)));
    } catch (e) {
      reject(fromRdkafkaError(e, operation, context));
    }
  });
}

/** A synchronous librdkafka call with the error mapped. */
export function rdkafkaSync<T>(operation: string, fn: () => T, context: ErrorContext = {}): T {
  try {
    return fn();
  } catch (e) {
    throw fromRdkafkaError(e, operation, context);
  }
}
