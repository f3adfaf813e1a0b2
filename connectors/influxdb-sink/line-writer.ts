/**
 * One HTTP write of line protocol to InfluxDB, v1 (`/write`) or v2 (`/api/v2/write`). A writer
 * never retries and never throws on an HTTP or network failure: it reports what happened, and
 * `deliverBatch` decides.
 *
 * @example
 *   const outcome = await writer.write('m v=1 1000', signal);
 *   if (!outcome.ok && outcome.status === 400) findRejected(points, lines, outcome.message);
 */
export interface LineWriter {
  readonly api: 'v1' | 'v2';
  /** Human-readable target for logs, without credentials (`http://host:8086 db=telemetry rp=autogen`). */
  readonly target: string;
  write(body: string, signal?: AbortSignal): Promise<WriteOutcome>;
  /** Checks that the server answers and the database/bucket exists. @throws ConfigError or a retriable IotpError */
  check(signal?: AbortSignal): Promise<void>;
}

export type WriteOutcome =
  | { ok: true }
  /** An HTTP error answer: `message` is InfluxDB's error text. */
  | { ok: false; status: number; message: string; retryAfter?: string | undefined }
  /** No answer: connection refused or reset, timeout. */
  | { ok: false; status: undefined; message: string };
