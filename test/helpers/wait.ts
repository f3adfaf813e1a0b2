import { setTimeout as sleep } from 'node:timers/promises';
import { IotpError } from '../../lib/errors.js';

/** Polls `check` until it returns true or `timeoutMs` passes; returns the last answer (the test asserts it). */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/**
 * Polls until `check` is true; throws (naming `what`) after `timeoutMs`. Not a timed assertion: a
 * deadline for a wait.
 */
export async function waitUntil(
  what: string | (() => string),
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      const text = typeof what === 'string' ? what : what();
      throw new IotpError('TEST_WAIT_TIMEOUT', `still waiting after ${timeoutMs} ms: ${text}`);
    }
    await sleep(200);
  }
}
