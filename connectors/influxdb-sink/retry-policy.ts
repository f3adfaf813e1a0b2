/**
 * When and how long to wait before retrying a write: exponential backoff with full jitter
 * (delay = random in [0, min(max, initial * multiplier^attempt)]), never shorter than the server's
 * Retry-After. Pure: the random source and the clock are passed in.
 *
 * @example
 *   const policy = retryPolicy({ initialDelayMs: 100, maxDelayMs: 30_000 });
 *   policy.delayMs(3, { retryAfterMs: 2000 }, Math.random); // >= 2000
 */
export interface RetryPolicyOptions {
  /** First backoff ceiling (default 100 ms). */
  initialDelayMs?: number;
  /** Backoff ceiling (default 30 s). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  multiplier?: number;
  /** A Retry-After longer than this is cut to it (default 5 min), so a bad header cannot stall the sink for hours. */
  maxRetryAfterMs?: number;
}

export interface RetryPolicy {
  readonly options: Required<RetryPolicyOptions>;
  /** Delay before retry number `attempt` (0 = first retry). */
  delayMs(attempt: number, hint: { retryAfterMs?: number | undefined }, random: () => number): number;
}

export function retryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const o: Required<RetryPolicyOptions> = {
    initialDelayMs: options.initialDelayMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    multiplier: options.multiplier ?? 2,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 300_000,
  };
  return {
    options: o,
    delayMs(attempt, hint, random) {
      const ceiling = Math.min(o.maxDelayMs, o.initialDelayMs * o.multiplier ** Math.max(0, attempt));
      const jittered = Math.floor(random() * ceiling);
      const floor = hint.retryAfterMs === undefined ? 0 : Math.min(hint.retryAfterMs, o.maxRetryAfterMs);
      return Math.max(jittered, floor);
    },
  };
}

/**
 * Retry-After in ms: delta-seconds (`120`) or an HTTP date (relative to `nowMs`); undefined when
 * absent or malformed.
 */
export function parseRetryAfter(header: string | undefined | null, nowMs: number): number | undefined {
  if (header === undefined || header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!HTTP_DATE.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** IMF-fixdate, the only date form servers send today: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const HTTP_DATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** What to do with a failed write. */
export type WriteFailureAction =
  /** Wait and send the same batch again: network error, timeout, 429, 5xx. */
  | 'retry'
  /** Some points were refused (400) or the body was too big (413): find them, write the rest. */
  | 'resolve-points'
  /** Credentials, permissions, unknown database/bucket: retrying the same request cannot help. */
  | 'fatal';

/** Classifies a failed write by HTTP status (undefined = no response: network error or timeout). */
export function classifyWriteFailure(status: number | undefined): WriteFailureAction {
  if (status === undefined) return 'retry';
  if (status === 429 || status === 408 || status >= 500) return 'retry';
  if (status === 400 || status === 413 || status === 422) return 'resolve-points';
  return 'fatal';
}
