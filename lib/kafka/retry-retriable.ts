import { setTimeout as sleep } from 'node:timers/promises';
import { isRetriable } from '../errors.js';

export interface RetryOptions {
  /** Attempts in all (default 6). */
  attempts?: number;
  /** First delay; doubles each time, capped at `maxDelayMs` (defaults 250 ms and 5 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Runs an idempotent call again while it fails with a retriable IotpError (retry logic reads only
 * `retriable`, never the message). The last error is thrown as it is.
 *
 * @example
 *   await retryRetriable(() => admin.createTopics(specs)); // a fresh broker may not know new topics yet
 */
export async function retryRetriable<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const wait = options.sleep ?? sleep;
  let delay = options.baseDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isRetriable(error)) throw error;
      await wait(delay);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5000);
    }
  }
}
