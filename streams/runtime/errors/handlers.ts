import type { IotpError } from '../../../lib/errors.js';
import type { SourceMetadata } from '../record.js';

/** Where a record failed. */
export type ErrorStage = 'deserialization' | 'processing' | 'punctuation' | 'production';

/** CONTINUE: send the record's original bytes to the dead-letter topic and go on. FAIL: stop the task. */
export type HandlerResponse = 'CONTINUE' | 'FAIL';

export interface HandlerContext {
  readonly stage: ErrorStage;
  readonly error: IotpError;
  /** The step that threw (processing), or the source/sink step. */
  readonly step: string | undefined;
  readonly source: SourceMetadata | undefined;
}

export type ErrorHandler = (context: HandlerContext) => HandlerResponse;

/**
 * Pluggable error policy (Kafka Streams' deserialization / processing / production handlers).
 * Defaults: deserialization and processing errors CONTINUE (dead-letter, nothing lost); production
 * (serializing an output) FAILs, since it means a bug in the topology rather than bad input. A
 * retriable error (schema registry or broker unavailable) never reaches a handler: it is not bad
 * input, so the task fails with STREAMS_RETRIABLE_ERROR and is retried from the last commit.
 *
 * @example
 *   new KafkaStreams(topology, { ..., handlers: { processing: ErrorHandlers.fail } });
 */
export interface ErrorHandlers {
  deserialization: ErrorHandler;
  processing: ErrorHandler;
  production: ErrorHandler;
}

export const ErrorHandlers = {
  continue: (() => 'CONTINUE') as ErrorHandler,
  fail: (() => 'FAIL') as ErrorHandler,
  defaults(): ErrorHandlers {
    return {
      deserialization: ErrorHandlers.continue,
      processing: ErrorHandlers.continue,
      production: ErrorHandlers.fail,
    };
  },
};
