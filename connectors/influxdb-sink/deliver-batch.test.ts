import { describe, expect, it } from 'vitest';
import { IotpError } from '../../lib/errors.js';
import { type DeliveryDeps, deliverBatch } from './deliver-batch.js';
import { encodePoint } from './line-protocol.js';
import type { LineWriter, WriteOutcome } from './line-writer.js';
import type { FieldValue, Point } from './point.js';
import { retryPolicy } from './retry-policy.js';

/**
 * A scripted InfluxDB for the policy: answers from a function of the request body, records every
 * request. (Integration tests use the real server; this only checks the decisions.)
 */
function scriptedWriter(answer: (lines: string[], call: number) => WriteOutcome): LineWriter & { bodies: string[][] } {
  const bodies: string[][] = [];
  return {
    api: 'v1',
    target: 'scripted',
    bodies,
    async write(body) {
      const lines = body.split('\n');
      bodies.push(lines);
      return answer(lines, bodies.length);
    },
    async check() {},
  };
}

function deps(writer: LineWriter, more: Partial<DeliveryDeps> = {}) {
  let clock = 0;
  const sleeps: number[] = [];
  const d: DeliveryDeps = {
    writer,
    policy: retryPolicy({ initialDelayMs: 100, maxDelayMs: 1_000 }),
    now: () => clock,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...more,
  };
  return { d, sleeps };
}

const f = (value: number): FieldValue => ({ kind: 'float', value });
const i = (value: number): FieldValue => ({ kind: 'integer', value });
const pt = (n: number, v: FieldValue): Point => ({
  measurement: 'm',
  tags: { d: `d${n}` },
  fields: { v },
  timestampMs: n,
});

describe('deliverBatch', () => {
  it('writes a batch in one request', async () => {
    const points = [pt(1, f(1)), pt(2, f(2))];
    const writer = scriptedWriter(() => ({ ok: true }));
    const { d } = deps(writer);
    expect(await deliverBatch(points, points.map(encodePoint), d)).toEqual({
      written: 2,
      rejected: [],
      requests: 1,
      retries: 0,
    });
    expect(writer.bodies).toEqual([['m,d=d1 v=1 1', 'm,d=d2 v=2 2']]);
  });

  it('retries network errors, 429 and 5xx with growing jittered delays, honouring Retry-After', async () => {
    const script: WriteOutcome[] = [
      { ok: false, status: undefined, message: 'ECONNREFUSED' },
      { ok: false, status: 503, message: 'unavailable' },
      { ok: false, status: 429, message: 'slow down', retryAfter: '3' },
      { ok: false, status: 500, message: 'timeout' },
      { ok: true },
    ];
    const writer = scriptedWriter((_, call) => script[call - 1] ?? { ok: true });
    const retries: Array<number | undefined> = [];
    const { d, sleeps } = deps(writer, { onRetry: (r) => retries.push(r.status) });
    const points = [pt(1, f(1))];
    const result = await deliverBatch(points, points.map(encodePoint), d);
    expect(result).toEqual({ written: 1, rejected: [], requests: 5, retries: 4 });
    expect(sleeps).toEqual([50, 100, 3_000, 400]);
    expect(retries).toEqual([undefined, 503, 429, 500]);
  });

  it('never retries a 400: the named points are rejected, the rest is sent again', async () => {
    const points = [pt(1, i(1)), pt(2, f(2.5)), pt(3, i(3)), pt(4, f(4.5))];
    const message =
      'partial write: field type conflict: input field "v" on measurement "m" is type float, already exists as type integer dropped=2';
    const writer = scriptedWriter((lines) =>
      lines.some((l) => /v=\d+\.\d+ /.test(l)) ? { ok: false, status: 400, message } : { ok: true },
    );
    const { d, sleeps } = deps(writer);
    const result = await deliverBatch(points, points.map(encodePoint), d);
    expect(result.written).toBe(2);
    expect(result.rejected).toEqual([
      { index: 1, status: 400, message },
      { index: 3, status: 400, message },
    ]);
    expect(writer.bodies[1]).toEqual(['m,d=d1 v=1i 1', 'm,d=d3 v=3i 3']);
    expect(sleeps).toEqual([]);
  });

  it('splits the batch when InfluxDB does not name the refused points', async () => {
    const points = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => pt(n, f(n)));
    // An anonymous refusal whenever the batch holds point 6: found by halving.
    const writer = scriptedWriter((lines) =>
      lines.includes('m,d=d6 v=6 6') ? { ok: false, status: 400, message: 'field type conflict' } : { ok: true },
    );
    const { d } = deps(writer);
    const result = await deliverBatch(points, points.map(encodePoint), d);
    expect(result.written).toBe(7);
    expect(result.rejected).toEqual([{ index: 5, status: 400, message: 'field type conflict' }]);
    expect(writer.bodies.map((b) => b.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
  });

  it('stops with a non-retriable error on 401 (nothing is committed, nothing lost)', async () => {
    const writer = scriptedWriter(() => ({ ok: false, status: 401, message: 'authorization failed' }));
    const { d } = deps(writer);
    const points = [pt(1, f(1))];
    await expect(deliverBatch(points, points.map(encodePoint), d)).rejects.toMatchObject({
      code: 'SINK_WRITE_REFUSED',
      retriable: false,
    });
  });

  it('gives up after maxRetries when configured, and stops when aborted', async () => {
    const down = scriptedWriter(() => ({ ok: false, status: undefined, message: 'ECONNREFUSED' }));
    const points = [pt(1, f(1))];
    const { d } = deps(down, { maxRetries: 3 });
    const error = await deliverBatch(points, points.map(encodePoint), d).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IotpError);
    expect((error as IotpError).code).toBe('SINK_RETRIES_EXHAUSTED');
    expect(down.bodies).toHaveLength(4);

    const controller = new AbortController();
    const { d: d2 } = deps(down, { signal: controller.signal, sleep: async () => controller.abort() });
    await expect(deliverBatch(points, points.map(encodePoint), d2)).rejects.toMatchObject({
      code: 'SINK_WRITE_ABORTED',
    });
  });
});
