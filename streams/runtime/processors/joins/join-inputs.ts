import { IotpError } from '../../../../lib/errors.js';

/**
 * Kafka Streams skips a join input with a null key or value (a WARN and the dropped-records metric).
 * Here nothing is dropped in silence: it is a processing error (STREAMS_JOIN_NULL_KEY or
 * STREAMS_JOIN_NULL_VALUE), which the default handler dead-letters (PROCESSING_FAILED) and continues.
 */
export function requireJoinKey(key: unknown, step: string): void {
  if (key === null || key === undefined)
    throw new IotpError('STREAMS_JOIN_NULL_KEY', `step ${step} joins by key, got a null key`, { context: { step } });
}

export function requireJoinValue(value: unknown, step: string): void {
  if (value === null || value === undefined)
    throw new IotpError('STREAMS_JOIN_NULL_VALUE', `step ${step} joins values, got a null value`, {
      context: { step },
    });
}
