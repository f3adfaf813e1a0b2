import type { ErrorContext, IotpError } from '../../errors.js';
import { IotpError as IotpErrorClass } from '../../errors.js';
import { kafkaError } from '../kafka-error.js';

interface KafkajsErrorLike {
  name?: string;
  message?: string;
  retriable?: boolean;
  type?: string;
  code?: number | string;
  cause?: unknown;
  originalError?: unknown;
  /** KafkaJSAggregateError (e.g. createTopics): one error per failed item. */
  errors?: KafkajsErrorLike[];
}

/** kafkajs reports broker codes above 88 (e.g. 90 PRODUCER_FENCED) as "Unknown error code N". */
function protocolCodeOf(e: KafkajsErrorLike): number | undefined {
  if (e.type === 'KAFKAJS_UNKNOWN_ERROR_CODE') {
    const m = /Unknown error code (-?\d+)/.exec(e.message ?? '');
    return m ? Number(m[1]) : undefined;
  }
  return typeof e.code === 'number' && e.code > 0 && typeof e.type === 'string' ? e.code : undefined;
}

/** The innermost kafkajs protocol error (retriers wrap the last attempt's error in `cause`). */
function innermost(e: KafkajsErrorLike): KafkajsErrorLike {
  let current = e;
  for (let depth = 0; depth < 5; depth++) {
    const next = (current.cause ?? current.originalError) as KafkajsErrorLike | undefined;
    if (!next || typeof next !== 'object') break;
    current = next;
  }
  return current;
}

/** Maps anything kafkajs threw to the seam's IotpError; `retriable` is kafkajs' own flag. */
export function fromKafkajsError(error: unknown, operation: string, context: ErrorContext = {}): IotpError {
  if (error instanceof IotpErrorClass) return error.withContext(context);
  const outer = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as KafkajsErrorLike;
  // An aggregate (one error per topic, say) is reported as its first error, with every message.
  const items = Array.isArray(outer.errors) && outer.errors.length > 0 ? outer.errors : undefined;
  const e: KafkajsErrorLike = items
    ? {
        ...items[0],
        message: items.map((i) => i.message).join('; '),
        retriable: items.every((i) => i.retriable === true),
      }
    : outer;
  const inner = innermost(e);
  const protocolCode = protocolCodeOf(e) ?? protocolCodeOf(inner);
  const name = (e.name ?? 'Error').replace(/^KafkaJS/, '').replace(/Error$/, '');
  return kafkaError({
    backend: 'kafkajs',
    operation,
    cause: error,
    message: e.message ?? String(error),
    ...(protocolCode === undefined ? {} : { protocolCode }),
    clientName: name.replace(/([a-z])([A-Z])/g, '$1_$2') || 'ERROR',
    retriable: e.retriable ?? false,
    context,
  });
}

/** Runs `fn`, mapping what it throws. */
export async function kafkajsCall<T>(operation: string, fn: () => Promise<T>, context: ErrorContext = {}): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw fromKafkajsError(e, operation, context);
  }
}
