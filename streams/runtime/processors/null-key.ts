import { IotpError } from '../../../lib/errors.js';

/** Aggregations need a key: a null/undefined key is a processing error (dead-lettered by default). */
export function requireKey(key: unknown, step: string): void {
  if (key === null || key === undefined)
    throw new IotpError('STREAMS_NULL_KEY', `step ${step} aggregates by key, got a null key`, { context: { step } });
}
