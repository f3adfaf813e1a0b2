import { join } from 'node:path';
import type { Type } from 'avsc';
import { describe, expect, it } from 'vitest';
import { IotpError } from '../../lib/errors.js';
import type { ConsumedRecord } from '../../lib/kafka/types.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { createAvroDecoder, encodeWire, loadSchemaFile } from '../../lib/serde/index.js';
import { createPointMaker } from './point-maker.js';
import { ruleForTopic } from './route.js';

const environment = loadSchemaFile(join(repoRoot, 'schemas', 'environment.avsc')).type;
const schemas = new Map<number, Type>([[7, environment]]);

function maker(registryDown = false) {
  const registry = {
    async schemaById(id: number): Promise<Type> {
      if (registryDown) throw new IotpError('SERDE_REGISTRY_UNAVAILABLE', 'registry down', { retriable: true });
      const type = schemas.get(id);
      if (!type) throw new IotpError('SERDE_UNKNOWN_SCHEMA_ID', `schema id ${id} is not in the registry`);
      return type;
    },
  };
  return createPointMaker({
    decoder: createAvroDecoder({ registry }),
    schemaOf: (id) => registry.schemaById(id),
    ruleFor: (topic) => ruleForTopic(topic, { prefix: 'telemetry.', extraTags: [] }),
    staticTags: { env: 'test', site: 'default-site' },
  });
}

function record(value: Buffer | null): ConsumedRecord {
  return {
    topic: 'telemetry.environment',
    partition: 0,
    offset: '5',
    key: Buffer.from('d'),
    value,
    timestamp: 99,
    headers: {},
  };
}

const reading = (over: Record<string, unknown> = {}) =>
  encodeWire(
    7,
    environment.toBuffer({
      deviceId: 'd-1',
      ts: 1234,
      site: 'lyon',
      temperature: 20.5,
      humidity: null,
      pressure: null,
      ...over,
    }),
  );

describe('createPointMaker', () => {
  it('decodes, maps and encodes a reading; static tags yield to record tags', async () => {
    expect(await maker().make(record(reading()))).toEqual({
      kind: 'points',
      points: [
        {
          measurement: 'environment',
          tags: { env: 'test', site: 'lyon', deviceId: 'd-1' },
          fields: { temperature: { kind: 'float', value: 20.5 } },
          timestampMs: 1234,
        },
      ],
      lines: ['environment,deviceId=d-1,env=test,site=lyon temperature=20.5 1234'],
    });
  });

  it('dead-letters what cannot be decoded, with the serde code', async () => {
    const made = await maker().make(record(Buffer.from('{"not":"avro"}')));
    expect(made).toMatchObject({
      kind: 'dead',
      rejection: { reason: 'DESERIALIZATION_FAILED', code: 'SERDE_MAGIC_BYTE' },
    });
    const unknown = await maker().make(record(encodeWire(999, Buffer.from([0]))));
    expect(unknown).toMatchObject({
      kind: 'dead',
      rejection: { reason: 'DESERIALIZATION_FAILED', code: 'SERDE_UNKNOWN_SCHEMA_ID' },
    });
  });

  it('dead-letters what decodes but cannot be a point (no field, unstorable name)', async () => {
    expect(await maker().make(record(reading({ temperature: null })))).toMatchObject({
      kind: 'dead',
      rejection: { reason: 'UNMAPPABLE', code: 'SINK_NO_FIELDS' },
    });
    expect(await maker().make(record(reading({ deviceId: 'bad\nid' })))).toMatchObject({
      kind: 'dead',
      rejection: { reason: 'UNMAPPABLE', code: 'SINK_UNREPRESENTABLE_NAME' },
    });
  });

  it('skips tombstones and throws (never dead-letters) when the registry is down', async () => {
    expect(await maker().make(record(null))).toEqual({ kind: 'skip', reason: 'tombstone' });
    await expect(maker(true).make(record(reading()))).rejects.toMatchObject({ retriable: true });
  });
});

describe('createPointMaker, the synchronous path', () => {
  it('answers without a promise once a (topic, schema id) went through, with the same points; failures still go through the decoder', async () => {
    const m = maker();
    const first = m.make(record(reading()));
    expect(first).toBeInstanceOf(Promise);
    const slow = await first;
    const quick = m.make(record(reading()));
    expect(quick).not.toBeInstanceOf(Promise);
    expect(quick).toEqual(slow);
    // A truncated body of a known schema: the slow path classifies it, as before.
    const truncated = reading().subarray(0, 8);
    const dead = m.make(record(truncated));
    expect(dead).toBeInstanceOf(Promise);
    expect(await dead).toMatchObject({ kind: 'dead', rejection: { reason: 'DESERIALIZATION_FAILED' } });
    // An unknown schema id: not on the synchronous path either.
    const unknown = Buffer.from(reading());
    unknown.writeInt32BE(8, 1);
    expect(await m.make(record(unknown))).toMatchObject({ kind: 'dead' });
  });
});
