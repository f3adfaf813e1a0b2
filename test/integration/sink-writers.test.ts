/**
 * The InfluxDB sink's writers against the stack's real InfluxDB 1.8.10, v1 (/write) and v2
 * (/api/v2/write): exact points for a known input (hostile names included), field-type conflicts
 * found and refused point by point while the rest of the batch is written, and the connection check.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { deliverBatch } from '../../connectors/influxdb-sink/deliver-batch.js';
import { encodePoint } from '../../connectors/influxdb-sink/line-protocol.js';
import type { LineWriter } from '../../connectors/influxdb-sink/line-writer.js';
import type { FieldValue, Point } from '../../connectors/influxdb-sink/point.js';
import { retryPolicy } from '../../connectors/influxdb-sink/retry-policy.js';
import { createV1Writer } from '../../connectors/influxdb-sink/writers/v1-writer.js';
import { createV2Writer } from '../../connectors/influxdb-sink/writers/v2-writer.js';
import { ConfigError } from '../../lib/errors.js';
import { influxQl, quoteIdent } from '../../lib/influx/influxql-client.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const q = influxQl({
  url: env.INFLUX_URL!,
  database: env.INFLUX_DB!,
  username: env.INFLUX_USERNAME,
  password: env.INFLUX_PASSWORD,
});

const writers: Record<'v1' | 'v2', () => LineWriter> = {
  v1: () =>
    createV1Writer({
      url: env.INFLUX_URL!,
      database: env.INFLUX_DB!,
      username: env.INFLUX_USERNAME,
      password: env.INFLUX_PASSWORD,
    }),
  v2: () =>
    createV2Writer({
      url: env.INFLUX_URL!,
      org: env.INFLUX_ORG!,
      bucket: env.INFLUX_BUCKET!,
      token: env.INFLUX_TOKEN!,
    }),
};

function measurement(prefix: string): string {
  const name = uniqueName(prefix).replace(/-/g, '_');
  onTestFinished(async () => {
    await q.query(`DROP MEASUREMENT ${quoteIdent(name)}`);
  });
  return name;
}

const deps = (writer: LineWriter) => ({
  writer,
  policy: retryPolicy({ initialDelayMs: 10, maxDelayMs: 100 }),
  now: () => Date.now(),
  random: Math.random,
  sleep: (ms: number) => sleep(ms),
  maxRetries: 3,
});

const f = (value: number): FieldValue => ({ kind: 'float', value });
const int = (value: number): FieldValue => ({ kind: 'integer', value });

describe.each(['v1', 'v2'] as const)('InfluxDB %s writer', (api) => {
  it('writes exactly the points given, hostile names included', async () => {
    const writer = writers[api]();
    const m = measurement(`sink_exact_${api}`);
    const hostileM = `${m} "hostile",=ü`;
    onTestFinished(async () => {
      await q.query(`DROP MEASUREMENT ${quoteIdent(hostileM)}`);
    });
    const points: Point[] = [
      {
        measurement: m,
        tags: { deviceId: 'dev-1', site: 'lyon' },
        fields: {
          temperature: f(21.5),
          battery: int(97),
          door_open: { kind: 'boolean', value: true },
          status: { kind: 'string', value: 'say "hi" \\ back\nline 2' },
        },
        timestampMs: 1_700_000_000_001,
      },
      {
        measurement: m,
        tags: { deviceId: 'dev-2', site: 'lyon' },
        fields: { temperature: f(-3.25) },
        timestampMs: 1_700_000_000_002,
      },
      {
        measurement: hostileM,
        tags: { 'device id': 'a=b,c d', sïte: 'Zürich "Nord" 🌡', path: 'C:\\dir\\x' },
        fields: { 'temp, °C=': f(1.5), 'f\\g': int(-7) },
        timestampMs: 1_700_000_000_003,
      },
    ];
    const result = await deliverBatch(points, points.map(encodePoint), deps(writer));
    expect(result).toEqual({ written: 3, rejected: [], requests: 1, retries: 0 });

    expect(await q.rows(`SELECT * FROM ${quoteIdent(m)} ORDER BY time`)).toEqual([
      {
        time: 1_700_000_000_001,
        deviceId: 'dev-1',
        site: 'lyon',
        temperature: 21.5,
        battery: 97,
        door_open: true,
        status: 'say "hi" \\ back\nline 2',
      },
      {
        time: 1_700_000_000_002,
        deviceId: 'dev-2',
        site: 'lyon',
        temperature: -3.25,
        battery: null,
        door_open: null,
        status: null,
      },
    ]);
    expect(await q.rows(`SELECT * FROM ${quoteIdent(hostileM)}`)).toEqual([
      {
        time: 1_700_000_000_003,
        'device id': 'a=b,c d',
        sïte: 'Zürich "Nord" 🌡',
        path: 'C:\\dir\\x',
        'temp, °C=': 1.5,
        'f\\g': -7,
      },
    ]);
    const fieldTypes = await q.rows(`SHOW FIELD KEYS FROM ${quoteIdent(m)}`);
    expect(Object.fromEntries(fieldTypes.map((r) => [r.fieldKey, r.fieldType]))).toEqual({
      battery: 'integer',
      door_open: 'boolean',
      status: 'string',
      temperature: 'float',
    });
  });

  it('rewriting the same points overwrites them (idempotent replay)', async () => {
    const writer = writers[api]();
    const m = measurement(`sink_replay_${api}`);
    const points: Point[] = [1, 2, 3].map((n) => ({
      measurement: m,
      tags: { deviceId: 'd' },
      fields: { v: f(n) },
      timestampMs: n,
    }));
    const lines = points.map(encodePoint);
    await deliverBatch(points, lines, deps(writer));
    await deliverBatch(points, lines, deps(writer));
    await deliverBatch(points.slice(1), lines.slice(1), deps(writer));
    expect(await q.rows(`SELECT count(v) FROM ${quoteIdent(m)}`)).toEqual([{ time: 0, count: 3 }]);
  });

  it('a field type conflict refuses exactly the conflicting points and writes the rest', async () => {
    const writer = writers[api]();
    const m = measurement(`sink_conflict_${api}`);
    const first = [{ measurement: m, tags: { deviceId: 'd0' }, fields: { v: int(1) }, timestampMs: 1000 }];
    await deliverBatch(first, first.map(encodePoint), deps(writer));

    const points: Point[] = [
      { measurement: m, tags: { deviceId: 'd1' }, fields: { v: int(2) }, timestampMs: 2000 },
      { measurement: m, tags: { deviceId: 'd2' }, fields: { v: f(2.5) }, timestampMs: 2000 },
      { measurement: m, tags: { deviceId: 'd3' }, fields: { v: int(3), u: f(1) }, timestampMs: 3000 },
      { measurement: m, tags: { deviceId: 'd4' }, fields: { v: { kind: 'string', value: 'x' } }, timestampMs: 4000 },
      { measurement: m, tags: { deviceId: 'd5' }, fields: { u: f(5) }, timestampMs: 5000 },
    ];
    const result = await deliverBatch(points, points.map(encodePoint), deps(writer));
    expect(result.written).toBe(3);
    expect(result.rejected.map((r) => r.index)).toEqual([1, 3]);
    expect(result.rejected.map((r) => r.status)).toEqual([400, 400]);
    // InfluxDB 1.8.10 names only the first conflict of a request; the sink sends the rest again
    // until each refused point is named, so each rejection carries the message about itself.
    expect(result.rejected[0]?.message).toBe(
      `partial write: field type conflict: input field "v" on measurement "${m}" is type float, already exists as type integer dropped=2`,
    );
    expect(result.rejected[1]?.message).toMatch(
      new RegExp(
        `field type conflict: input field "v" on measurement "${m}" is type (float|string), already exists as type integer`,
      ),
    );
    const rows = await q.rows(`SELECT * FROM ${quoteIdent(m)} ORDER BY time`);
    expect(rows.map((r) => [r.deviceId, r.v, r.u])).toEqual([
      ['d0', 1, null],
      ['d1', 2, null],
      ['d3', 3, 1],
      ['d5', null, 5],
    ]);
  });

  it('a conflict inside one batch on a new field (InfluxDB writes nothing, names nothing) is found by splitting', async () => {
    const writer = writers[api]();
    const m = measurement(`sink_inbatch_${api}`);
    const points: Point[] = [1, 2, 3, 4, 5, 6].map((n) => ({
      measurement: m,
      tags: { deviceId: `d${n}` },
      fields: { v: n === 4 ? f(4.5) : int(n) },
      timestampMs: n * 1000,
    }));
    const result = await deliverBatch(points, points.map(encodePoint), deps(writer));
    expect(result.written).toBe(5);
    expect(result.rejected.map((r) => r.index)).toEqual([3]);
    const rows = await q.rows(`SELECT v FROM ${quoteIdent(m)} ORDER BY time`);
    expect(rows.map((r) => r.v)).toEqual([1, 2, 3, 5, 6]);
  });

  it('the connection check names the setting that is wrong', async () => {
    await expect(writers[api]().check()).resolves.toBeUndefined();
    const wrongDb =
      api === 'v1'
        ? createV1Writer({
            url: env.INFLUX_URL!,
            database: 'no_such_db',
            username: env.INFLUX_USERNAME,
            password: env.INFLUX_PASSWORD,
          })
        : createV2Writer({ url: env.INFLUX_URL!, org: '-', bucket: 'no_such_db/autogen', token: env.INFLUX_TOKEN! });
    const dbError = await wrongDb.check().catch((e: unknown) => e);
    expect(dbError).toBeInstanceOf(ConfigError);
    expect((dbError as ConfigError).key).toBe(api === 'v1' ? 'INFLUX_DB' : 'INFLUX_BUCKET');
    expect((dbError as ConfigError).message).toContain('database not found');
    const wrongAuth =
      api === 'v1'
        ? createV1Writer({ url: env.INFLUX_URL!, database: env.INFLUX_DB!, username: 'iotp', password: 'wrong' })
        : createV2Writer({ url: env.INFLUX_URL!, org: '-', bucket: env.INFLUX_BUCKET!, token: 'iotp:wrong' });
    const authError = await wrongAuth.check().catch((e: unknown) => e);
    expect((authError as ConfigError).key).toBe(api === 'v1' ? 'INFLUX_USERNAME' : 'INFLUX_TOKEN');
  });

  it('reports a server that does not answer as a network failure (retried, then given up here)', async () => {
    const down =
      api === 'v1'
        ? createV1Writer({ url: 'http://127.0.0.1:9', database: 'x', timeoutMs: 2000 })
        : createV2Writer({ url: 'http://127.0.0.1:9', org: '-', bucket: 'x', token: 't', timeoutMs: 2000 });
    const outcome = await down.write('m v=1 1');
    expect(outcome).toMatchObject({ ok: false, status: undefined });
    const points: Point[] = [{ measurement: 'm', tags: {}, fields: { v: f(1) }, timestampMs: 1 }];
    await expect(deliverBatch(points, points.map(encodePoint), deps(down))).rejects.toMatchObject({
      code: 'SINK_RETRIES_EXHAUSTED',
    });
  });
});
