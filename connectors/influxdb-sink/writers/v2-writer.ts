import { HttpError, InfluxDB, type Transport } from '@influxdata/influxdb-client';
import { IotpError } from '../../../lib/errors.js';
import type { LineWriter, WriteOutcome } from '../line-writer.js';
import { influxErrorText } from './influx-error-text.js';
import { linkedSignal } from './linked-signal.js';
import { checkError, networkMessage } from './v1-writer.js';

/**
 * Settings of the v2 API writer (`/api/v2/write?org=&bucket=&precision=ms`, token auth): InfluxDB
 * 1.8+ (bucket `db/rp`, org ignored, token `user:password`), 2.x and 3.x.
 *
 * @example
 *   const writer = createV2Writer({ url: 'http://127.0.0.1:8086', org: '-', bucket: 'telemetry/autogen', token: 'iotp:s' });
 */
export interface V2WriterOptions {
  url: string;
  org: string;
  bucket: string;
  token: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

/**
 * v2 writer on @influxdata/influxdb-client's low-level `transport.request`, not its WriteApi: the
 * WriteApi batches, retries and then DROPS points on its own (maxRetries 5, maxBufferLines 32000),
 * and reports success per flush, not per batch we hand it. The sink must know exactly which
 * batch InfluxDB accepted before committing Kafka offsets, and must never drop, so it keeps the
 * batching/retry policy itself and uses the library for HTTP, auth and error parsing.
 */
export function createV2Writer(options: V2WriterOptions): LineWriter {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const transport: Transport = new InfluxDB({ url: options.url, token: options.token, timeout: timeoutMs }).transport;
  const params = new URLSearchParams({ org: options.org, bucket: options.bucket, precision: 'ms' });
  const path = `/api/v2/write?${params.toString()}`;
  const target = `${options.url} org=${options.org} bucket=${options.bucket}`;

  const write = async (body: string, signal?: AbortSignal): Promise<WriteOutcome> => {
    // The library has its own timeout; the link only carries shutdown without leaking listeners.
    const link = linkedSignal(signal, timeoutMs * 2);
    try {
      await transport.request(path, body, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        signal: link.signal,
      });
      return { ok: true };
    } catch (error) {
      if (signal?.aborted) throw new IotpError('SINK_WRITE_ABORTED', 'write aborted by shutdown', { retriable: true });
      if (error instanceof HttpError) {
        const retryAfter = error.headers?.['retry-after'];
        return {
          ok: false,
          status: error.statusCode,
          message: influxErrorText(error.body, error.message),
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        };
      }
      return { ok: false, status: undefined, message: networkMessage(error) };
    } finally {
      link.release();
    }
  };

  return {
    api: 'v2',
    target,
    write,
    async check(signal) {
      const outcome = await write('', signal);
      if (outcome.ok) return;
      throw checkError(outcome, target, {
        database: 'INFLUX_BUCKET',
        retentionPolicy: 'INFLUX_BUCKET',
        auth: 'INFLUX_TOKEN',
      });
    },
  };
}
