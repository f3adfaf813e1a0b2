import { ConfigError, IotpError } from '../../../lib/errors.js';
import type { LineWriter, WriteOutcome } from '../line-writer.js';
import { influxErrorText } from './influx-error-text.js';
import { linkedSignal } from './linked-signal.js';

/**
 * Settings of the v1 API writer (`/write?db=&rp=&precision=ms`, HTTP basic auth), for InfluxDB 1.x
 * and the v1 compatibility endpoint of 2.x/3.x.
 *
 * @example
 *   const writer = createV1Writer({ url: 'http://127.0.0.1:8086', database: 'telemetry', username: 'iotp', password: 's' });
 */
export interface V1WriterOptions {
  url: string;
  database: string;
  /** Omitted: the database's default retention policy. */
  retentionPolicy?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** Per request (default 10 s); a timeout counts as a network error and is retried. */
  timeoutMs?: number;
}

/** v1 writer over Node's fetch: it needs nothing more than a POST with basic auth. */
export function createV1Writer(options: V1WriterOptions): LineWriter {
  const url = new URL('/write', options.url);
  url.searchParams.set('db', options.database);
  if (options.retentionPolicy) url.searchParams.set('rp', options.retentionPolicy);
  url.searchParams.set('precision', 'ms');
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (options.username !== undefined) {
    const token = Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64');
    headers.authorization = `Basic ${token}`;
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const target = `${options.url} db=${options.database}${options.retentionPolicy ? ` rp=${options.retentionPolicy}` : ''}`;

  const write = async (body: string, signal?: AbortSignal): Promise<WriteOutcome> => {
    const link = linkedSignal(signal, timeoutMs);
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: link.signal });
      if (res.ok) {
        await res.arrayBuffer();
        return { ok: true };
      }
      const text = await res.text();
      return {
        ok: false,
        status: res.status,
        message: influxErrorText(text, `${res.status} ${res.statusText}`),
        retryAfter: res.headers.get('retry-after') ?? undefined,
      };
    } catch (error) {
      if (signal?.aborted) throw new IotpError('SINK_WRITE_ABORTED', 'write aborted by shutdown', { retriable: true });
      return { ok: false, status: undefined, message: networkMessage(error) };
    } finally {
      link.release();
    }
  };

  return {
    api: 'v1',
    target,
    write,
    async check(signal) {
      // An empty write checks credentials, database and retention policy without writing anything.
      const outcome = await write('', signal);
      if (outcome.ok) return;
      throw checkError(outcome, target, {
        database: 'INFLUX_DB',
        retentionPolicy: 'INFLUX_RP',
        auth: 'INFLUX_USERNAME',
      });
    },
  };
}

/** The cause of a failed fetch (`fetch failed` hides ECONNREFUSED in `cause`). */
export function networkMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) return `${error.message}: ${(cause as { code?: string }).code ?? cause.message}`;
    return error.name === 'TimeoutError' || error.name === 'AbortError' ? `timeout: ${error.message}` : error.message;
  }
  return String(error);
}

/** A failed connection check: 4xx names the setting to fix; the rest may pass once InfluxDB is back. */
export function checkError(
  outcome: Exclude<WriteOutcome, { ok: true }>,
  target: string,
  keys: { database: string; retentionPolicy: string; auth: string },
): IotpError {
  if (outcome.status === 401 || outcome.status === 403) {
    return new ConfigError(keys.auth, `InfluxDB at ${target} refused the credentials: ${outcome.message}`);
  }
  if (outcome.status === 404) {
    return new ConfigError(
      keys.database,
      `an existing database/bucket, InfluxDB at ${target} says: ${outcome.message}`,
    );
  }
  if (outcome.status !== undefined && outcome.status < 500) {
    return new ConfigError(keys.database, `InfluxDB at ${target} refused an empty write: ${outcome.message}`);
  }
  return new IotpError('SINK_INFLUX_UNAVAILABLE', `InfluxDB at ${target}: ${outcome.message}`, {
    retriable: true,
    context: { status: outcome.status, target },
  });
}
