import { IotpError } from '../../lib/errors.js';
import type { LineWriter } from './line-writer.js';
import type { Point } from './point.js';
import { findRejected } from './rejected-points.js';
import { classifyWriteFailure, parseRetryAfter, type RetryPolicy } from './retry-policy.js';

/** What `deliverBatch` needs besides the points: injected so that the policy is tested without a server or a clock. */
export interface DeliveryDeps {
  writer: LineWriter;
  policy: RetryPolicy;
  now(): number;
  random(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  signal?: AbortSignal;
  /** Give up (throw, commit nothing) after this many retries of one request (default: never give up). */
  maxRetries?: number;
  onRetry?(info: { attempt: number; delayMs: number; status: number | undefined; message: string }): void;
  /** Each HTTP request with its duration and result (for the latency histogram). */
  onRequest?(info: { points: number; ms: number; status: number | 'ok' | 'network' }): void;
}

export interface Rejection {
  /** Index in the batch. */
  index: number;
  status: number;
  /** InfluxDB's error text. */
  message: string;
}

export interface DeliveryResult {
  /** Points InfluxDB accepted. */
  written: number;
  /** Points InfluxDB refused for good (they go to the dead-letter topic). */
  rejected: Rejection[];
  requests: number;
  retries: number;
}

/**
 * Writes one batch until every point is either accepted or refused by InfluxDB:
 * - network error, timeout, 408, 429, 5xx: the same request again after `policy.delayMs` (full
 *   jitter, at least Retry-After), forever unless `maxRetries`, stopped by `signal`;
 * - 400/413/422: the refused points are found from InfluxDB's message (rejected-points.ts) and the
 *   rest is sent again; when the message names none, the batch is split in halves; a single point
 *   refused is a rejection. Sending accepted points again is harmless: the same measurement, tags
 *   and timestamp overwrite.
 * - 401/403/404 and other 4xx: throws a non-retriable IotpError (nothing is lost: offsets stay uncommitted).
 *
 * @example
 *   const result = await deliverBatch(points, lines, { writer, policy, now: Date.now, random: Math.random, sleep });
 *   for (const r of result.rejected) deadLetter(records[r.index], r.message);
 */
export async function deliverBatch(
  points: readonly Point[],
  lines: readonly string[],
  deps: DeliveryDeps,
): Promise<DeliveryResult> {
  const result: DeliveryResult = { written: 0, rejected: [], requests: 0, retries: 0 };
  const pending: number[][] = [points.map((_, i) => i)];
  while (pending.length > 0) {
    const batch = pending.shift() ?? [];
    if (batch.length === 0) continue;
    const answer = await sendWithRetries(batch, lines, deps, result);
    if (answer === 'ok') {
      result.written += batch.length;
      continue;
    }
    if (batch.length === 1) {
      result.rejected.push({ index: batch[0] ?? -1, status: answer.status, message: answer.message });
      continue;
    }
    const named = new Set(
      findRejected(
        batch.map((i) => points[i] as Point),
        batch.map((i) => lines[i] as string),
        answer.message,
      ).map((j) => batch[j] as number),
    );
    if (named.size > 0) {
      for (const index of named) result.rejected.push({ index, status: answer.status, message: answer.message });
      pending.unshift(batch.filter((i) => !named.has(i)));
    } else {
      const half = Math.ceil(batch.length / 2);
      pending.unshift(batch.slice(0, half), batch.slice(half));
    }
  }
  result.rejected.sort((a, b) => a.index - b.index);
  return result;
}

async function sendWithRetries(
  batch: number[],
  lines: readonly string[],
  deps: DeliveryDeps,
  result: DeliveryResult,
): Promise<'ok' | { status: number; message: string }> {
  const body = batch.map((i) => lines[i]).join('\n');
  for (let attempt = 0; ; attempt++) {
    if (deps.signal?.aborted) {
      throw new IotpError('SINK_WRITE_ABORTED', 'write aborted by shutdown', { retriable: true });
    }
    const started = deps.now();
    const outcome = await deps.writer.write(body, deps.signal);
    result.requests += 1;
    deps.onRequest?.({
      points: batch.length,
      ms: deps.now() - started,
      status: outcome.ok ? 'ok' : (outcome.status ?? 'network'),
    });
    if (outcome.ok) return 'ok';
    const action = classifyWriteFailure(outcome.status);
    if (action === 'resolve-points' && outcome.status !== undefined) {
      return { status: outcome.status, message: outcome.message };
    }
    if (action === 'fatal') {
      throw new IotpError('SINK_WRITE_REFUSED', `InfluxDB refused the write (${outcome.status}): ${outcome.message}`, {
        retriable: false,
        context: { status: outcome.status, target: deps.writer.target },
      });
    }
    if (deps.maxRetries !== undefined && attempt >= deps.maxRetries) {
      throw new IotpError('SINK_RETRIES_EXHAUSTED', `gave up after ${attempt} retries: ${outcome.message}`, {
        retriable: true,
        context: { status: outcome.status, target: deps.writer.target },
      });
    }
    const retryAfterMs = outcome.status === undefined ? undefined : parseRetryAfter(outcome.retryAfter, deps.now());
    const delayMs = deps.policy.delayMs(attempt, { retryAfterMs }, deps.random);
    result.retries += 1;
    deps.onRetry?.({ attempt, delayMs, status: outcome.status, message: outcome.message });
    await deps.sleep(delayMs, deps.signal);
  }
}
