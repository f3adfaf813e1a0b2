import { createRequire } from 'node:module';
import { type ErrorContext, IotpError } from '../errors.js';
import type { KafkaBackend } from './types.js';

/**
 * Error codes the Kafka seam raises, the same whichever backend is used. A broker (protocol) error
 * becomes `KAFKA_<Java error name>` (e.g. `KAFKA_UNKNOWN_TOPIC_OR_PARTITION`), a client-side error
 * `KAFKA_CLIENT_<name>`; `retriable` comes from the backend's own flag or the Kafka error table.
 *
 * @example
 *   try { await tx.commit(); } catch (e) {
 *     if (e instanceof IotpError && e.code === KafkaErrorCodes.PRODUCER_FENCED) process.exit(1);
 *   }
 */
export const KafkaErrorCodes = {
  /** A newer producer with the same transactional.id exists: this one must stop (never retriable). */
  PRODUCER_FENCED: 'KAFKA_PRODUCER_FENCED',
  TOPIC_ALREADY_EXISTS: 'KAFKA_TOPIC_ALREADY_EXISTS',
  UNKNOWN_TOPIC_OR_PARTITION: 'KAFKA_UNKNOWN_TOPIC_OR_PARTITION',
  /** A transactional producer was handed a consumer of the other backend. */
  BACKEND_MISMATCH: 'KAFKA_BACKEND_MISMATCH',
  /** node-rdkafka is not installed or not built. */
  BACKEND_UNAVAILABLE: 'KAFKA_BACKEND_UNAVAILABLE',
  /** A call made in the wrong state (send before connect, commit with no transaction, ...). */
  INVALID_STATE: 'KAFKA_INVALID_STATE',
  /** The consumer loop stopped because the batch handler threw. */
  HANDLER_FAILED: 'KAFKA_HANDLER_FAILED',
  /** A replay made no progress although the partition's end offset was not reached. */
  REPLAY_STALLED: 'KAFKA_REPLAY_STALLED',
} as const;

interface ProtocolErrorEntry {
  type: string;
  code: number;
  retriable: boolean;
}

const require = createRequire(import.meta.url);
// kafkajs carries the Java client's table of broker error codes, names and retriability (codes to 88).
const kafkajsTable = (require('kafkajs/src/protocol/error.js') as { errorCodes: ProtocolErrorEntry[] }).errorCodes;
const laterCodes: ProtocolErrorEntry[] = [
  { type: 'THROTTLING_QUOTA_EXCEEDED', code: 89, retriable: true },
  { type: 'PRODUCER_FENCED', code: 90, retriable: false },
  { type: 'RESOURCE_NOT_FOUND', code: 91, retriable: false },
  { type: 'DUPLICATE_RESOURCE', code: 92, retriable: false },
  { type: 'UNACCEPTABLE_CREDENTIAL', code: 93, retriable: false },
];
const byCode = new Map<number, ProtocolErrorEntry>([...kafkajsTable, ...laterCodes].map((e) => [e.code, e]));

/** The broker error's Java name and retriability, or undefined for an unknown code. */
export function protocolError(code: number): { name: string; retriable: boolean } | undefined {
  const entry = byCode.get(code);
  return entry ? { name: entry.type, retriable: entry.retriable } : undefined;
}

const FENCED_PROTOCOL_CODES = new Set([47 /* INVALID_PRODUCER_EPOCH */, 90 /* PRODUCER_FENCED */]);

export interface KafkaErrorInput {
  backend: KafkaBackend;
  /** What was being done, e.g. 'producer.send'. */
  operation: string;
  cause: unknown;
  message: string;
  /** A broker error code (> 0), when the failure is one. */
  protocolCode?: number;
  /** A client-side error name (used when there is no broker code). */
  clientName?: string;
  retriable: boolean;
  /** The client says this instance was fenced (librdkafka ERR__FENCED). */
  fenced?: boolean;
  context?: ErrorContext;
}

/** Builds the seam's IotpError from what a backend reported. */
export function kafkaError(input: KafkaErrorInput): IotpError {
  const context: ErrorContext = { backend: input.backend, operation: input.operation, ...input.context };
  const fenced =
    input.fenced === true || (input.protocolCode !== undefined && FENCED_PROTOCOL_CODES.has(input.protocolCode));
  let code: string;
  let retriable = input.retriable;
  if (fenced) {
    code = KafkaErrorCodes.PRODUCER_FENCED;
    retriable = false;
  } else if (input.protocolCode !== undefined && input.protocolCode > 0) {
    code = `KAFKA_${protocolError(input.protocolCode)?.name ?? `ERROR_${input.protocolCode}`}`;
  } else {
    code = `KAFKA_CLIENT_${(input.clientName ?? 'ERROR').toUpperCase()}`;
  }
  if (input.protocolCode !== undefined) context.kafkaCode = input.protocolCode;
  return new IotpError(code, `${input.operation}: ${input.message}`, { retriable, cause: input.cause, context });
}
