/**
 * Bad input against the real registry: a corrupt-record corpus (wrong magic, unknown schema id,
 * truncation at every byte offset, corrupt bodies) must give the right SERDE_* code every time; a
 * registry that is down gives the retriable SERDE_REGISTRY_UNAVAILABLE; each schema id is asked once.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import { IotpError } from '../../lib/errors.js';
import { parseAvroSchema } from '../../lib/serde/avro-schema.js';
import { createAvroDecoder } from '../../lib/serde/decoder.js';
import { createAvroEncoder } from '../../lib/serde/encoder.js';
import { createSchemaRegistryClient } from '../../lib/serde/registry-client.js';
import { loadSchemaFile } from '../../lib/serde/schema-file.js';
import { encodeWire } from '../../lib/serde/wire-format.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const url = env.SCHEMA_REGISTRY_URL as string;
const environment = loadSchemaFile('schemas/environment.avsc');
const sample = {
  deviceId: 'dev-corpus-01',
  ts: 1_700_000_000_123,
  site: 'plant-a',
  temperature: 21.5,
  humidity: 48.25,
  pressure: null,
};

const registry = createSchemaRegistryClient({ url, ...registryAuthFromEnv(env) });
const subject = uniqueName('itest-serde-corrupt-value');
let schemaId = 0;
let record: Buffer = Buffer.alloc(0);

beforeAll(async () => {
  schemaId = await registry.register(subject, environment);
  record = await createAvroEncoder({ registry, subject, schema: environment }).encode(sample);
});
afterAll(async () => {
  await registry.deleteSubject(subject, { permanent: true });
});

async function failure(p: Promise<unknown>): Promise<IotpError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof IotpError) return error;
    throw error;
  }
  throw new Error('expected a failure, got a value');
}

/** A free TCP port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** An HTTP proxy in front of the real registry that records every request path. */
async function countingProxy(target: string): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const base = new URL(target);
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`);
    const upstream = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: `${base.pathname}${req.url}`,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('corrupt-record corpus (real registry)', () => {
  it('decodes the sample record', async () => {
    const decoded = await createAvroDecoder({ registry, reader: environment }).decode(record);
    expect(decoded).toEqual({ schemaId, value: sample });
  });

  it('wrong magic byte -> SERDE_MAGIC_BYTE', async () => {
    const decoder = createAvroDecoder({ registry, reader: environment });
    for (const magic of [1, 2, 0x7f, 0xff]) {
      const bad = Buffer.from(record);
      bad[0] = magic;
      expect((await failure(decoder.decode(bad))).code, `magic ${magic}`).toBe('SERDE_MAGIC_BYTE');
    }
    expect((await failure(decoder.decode(Buffer.from(JSON.stringify(sample))))).code).toBe('SERDE_MAGIC_BYTE');
  });

  it('unknown schema id -> SERDE_UNKNOWN_SCHEMA_ID (not retriable)', async () => {
    const decoder = createAvroDecoder({ registry, reader: environment });
    for (const id of [2_147_483_000, schemaId + 100_000]) {
      const error = await failure(decoder.decode(encodeWire(id, record.subarray(5))));
      expect(error.code, `id ${id}`).toBe('SERDE_UNKNOWN_SCHEMA_ID');
      expect(error.retriable).toBe(false);
      expect(error.context.schemaId).toBe(id);
    }
    const negative = Buffer.from(record);
    negative.writeInt32BE(-5, 1);
    expect((await failure(decoder.decode(negative))).code).toBe('SERDE_UNKNOWN_SCHEMA_ID');
  });

  it('truncation at every byte offset -> SERDE_TRUNCATED', async () => {
    const decoder = createAvroDecoder({ registry, reader: environment });
    expect(record.length).toBeGreaterThan(20);
    for (let n = 0; n < record.length; n++) {
      expect((await failure(decoder.decode(record.subarray(0, n)))).code, `cut at ${n} of ${record.length}`).toBe(
        'SERDE_TRUNCATED',
      );
    }
  });

  it('corrupt bodies -> SERDE_CORRUPT_BODY', async () => {
    const decoder = createAvroDecoder({ registry, reader: environment });
    // Trailing garbage after a complete record.
    expect((await failure(decoder.decode(Buffer.concat([record, Buffer.from([0x02, 0x04])])))).code).toBe(
      'SERDE_CORRUPT_BODY',
    );
    // deviceId '' , ts 0, site '', then union index 5 (zigzag 0x0a) for temperature.
    const badUnion = encodeWire(schemaId, Buffer.from([0x00, 0x00, 0x00, 0x0a]));
    expect((await failure(decoder.decode(badUnion))).code).toBe('SERDE_CORRUPT_BODY');
  });

  it('asks the registry once per schema id, and once per unknown id within its TTL', async () => {
    const proxy = await countingProxy(url);
    try {
      const counted = createSchemaRegistryClient({ url: proxy.url, ...registryAuthFromEnv(env) });
      const evolved = parseAvroSchema({
        ...(environment.json as object),
        fields: [
          ...(environment.json as { fields: unknown[] }).fields,
          { name: 'co2', type: ['null', 'double'], default: null },
        ],
      });
      const subject2 = uniqueName('itest-serde-count-value');
      const id2 = await registry.register(subject2, evolved);
      try {
        const other = await createAvroEncoder({ registry, subject: subject2, schema: evolved }).encode({
          ...sample,
          co2: 415,
        });
        const decoder = createAvroDecoder({ registry: counted, reader: environment });
        const unknown = encodeWire(2_147_483_001, record.subarray(5));
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => decoder.decode(i % 5 === 4 ? unknown : i % 2 ? other : record)),
        );
        for (let i = 0; i < 20; i++) await decoder.decode(i % 2 ? other : record);
        for (let i = 0; i < 5; i++)
          expect((await failure(decoder.decode(unknown))).code).toBe('SERDE_UNKNOWN_SCHEMA_ID');
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(40);
        const fetches = proxy.paths.filter((p) => p.startsWith('GET /schemas/ids/')).sort();
        expect(fetches).toEqual(
          [`GET /schemas/ids/2147483001`, `GET /schemas/ids/${schemaId}`, `GET /schemas/ids/${id2}`].sort(),
        );
        expect(counted.stats().schemaFetches).toBe(3);
      } finally {
        await registry.deleteSubject(subject2, { permanent: true });
      }
    } finally {
      await proxy.close();
    }
  });

  it('registry down -> SERDE_REGISTRY_UNAVAILABLE, retriable, for decode, lookup and register', async () => {
    const down = createSchemaRegistryClient({
      url: `http://127.0.0.1:${await closedPort()}/apis/ccompat/v7`,
      retries: 1,
    });
    const decodeError = await failure(createAvroDecoder({ registry: down, reader: environment }).decode(record));
    expect(decodeError.code).toBe('SERDE_REGISTRY_UNAVAILABLE');
    expect(decodeError.retriable).toBe(true);
    expect(down.stats().schemaFetches).toBe(1);
    const encodeError = await failure(
      createAvroEncoder({ registry: down, subject, schema: environment }).encode(sample),
    );
    expect(encodeError.code).toBe('SERDE_REGISTRY_UNAVAILABLE');
    expect(encodeError.retriable).toBe(true);
    const registerError = await failure(down.register(subject, environment));
    expect(registerError).toMatchObject({ code: 'SERDE_REGISTRY_UNAVAILABLE', retriable: true });
  });

  it('an unregistered schema is SERDE_SCHEMA_NOT_REGISTERED, a bad value SERDE_VALIDATION naming the field', async () => {
    const lonely = uniqueName('itest-serde-none-value');
    const error = await failure(createAvroEncoder({ registry, subject: lonely, schema: environment }).encode(sample));
    expect(error.code).toBe('SERDE_SCHEMA_NOT_REGISTERED');
    const encoder = createAvroEncoder({ registry, subject, schema: environment });
    const invalid = await failure(encoder.encode({ ...sample, humidity: 'wet' } as unknown as typeof sample));
    expect(invalid.code).toBe('SERDE_VALIDATION');
    expect(invalid.message).toContain('humidity: expected null or a double');
  });
});
