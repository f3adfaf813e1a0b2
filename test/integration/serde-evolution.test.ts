/**
 * Schema evolution through the real registry and the real broker: records written with v1 and v2
 * of a reading schema go through Kafka; a consumer built against v1 and one built against v2 each
 * decode both, with byte-exact bytes on the wire and exact values (kafka via lib/kafka's
 * createKafkaClient).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import type { ConsumedRecord, KafkaClient } from '../../lib/kafka/types.js';
import { type ParsedSchema, parseAvroSchema } from '../../lib/serde/avro-schema.js';
import { createAvroDecoder } from '../../lib/serde/decoder.js';
import { createAvroEncoder } from '../../lib/serde/encoder.js';
import { createSchemaRegistryClient } from '../../lib/serde/registry-client.js';
import { loadSchemaFile } from '../../lib/serde/schema-file.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const registry = createSchemaRegistryClient({ url: env.SCHEMA_REGISTRY_URL as string, ...registryAuthFromEnv(env) });
const client: KafkaClient = createKafkaClient(kafkaConfigFromEnv(env, { clientId: 'serde-evolution' }));
const admin = client.admin();

const v1 = loadSchemaFile('schemas/environment.avsc');
// v2: a new optional measurement with a default (BACKWARD and FORWARD compatible).
const v2: ParsedSchema = parseAvroSchema({
  ...(v1.json as object),
  fields: [
    ...(v1.json as { fields: unknown[] }).fields,
    { name: 'co2', type: ['null', 'double'], default: null, doc: 'CO2. unit: ppm; range: 0..10000' },
  ],
});

const topic = uniqueName('itest-serde-evolution');
const subject = `${topic}-value`;

// Values chosen to catch any lossy step: 17 significant digits, negative zero, extremes.
const written = [
  {
    schema: 'v1',
    value: {
      deviceId: 'dev-α-1',
      ts: 1_700_000_000_001,
      site: 'plant-ü',
      temperature: 0.1 + 0.2, // 0.30000000000000004: every bit must survive
      humidity: null,
      pressure: 1013.25,
    },
  },
  {
    schema: 'v2',
    value: {
      deviceId: 'dev-α-2',
      ts: 1_700_000_000_002,
      site: '',
      temperature: -0,
      humidity: 5e-324,
      pressure: null,
      co2: 415.000000000001,
    },
  },
  {
    schema: 'v1',
    value: {
      deviceId: 'dev-α-3',
      ts: 8_640_000_000_000_000,
      site: 's',
      temperature: -40,
      humidity: 100,
      pressure: Number.MAX_VALUE,
    },
  },
  {
    schema: 'v2',
    value: { deviceId: 'dev-α-4', ts: 0, site: 's', temperature: null, humidity: null, pressure: null, co2: null },
  },
] as const;

let sent: { key: string; bytes: Buffer; schemaId: number }[] = [];
let received: ConsumedRecord[] = [];

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics([{ topic, partitions: 1 }]);
  const id1 = await registry.register(subject, v1);
  const id2 = await registry.register(subject, v2);
  expect(id2).not.toBe(id1);
  const enc1 = createAvroEncoder({ registry, subject, schema: v1 });
  const enc2 = createAvroEncoder({ registry, subject, schema: v2 });
  sent = [];
  for (const w of written) {
    const encoder = w.schema === 'v1' ? enc1 : enc2;
    sent.push({ key: w.value.deviceId, bytes: await encoder.encode(w.value), schemaId: await encoder.schemaId() });
  }
  const producer = client.producer();
  await producer.connect();
  // No record timestamp: one ts is far in the future, which Kafka 4 refuses as a record timestamp
  // (message.timestamp.after.max.ms defaults to 1 h); the Avro body carries it untouched.
  await producer.send(sent.map((s) => ({ topic, key: s.key, value: s.bytes })));
  await producer.disconnect();
  const records: ConsumedRecord[] = [];
  await client.replay({ topic, partitions: [0], onRecords: (batch) => void records.push(...batch) });
  received = records;
});

afterAll(async () => {
  await admin.deleteTopics([topic]);
  await admin.disconnect();
  await registry.deleteSubject(subject, { permanent: true });
});

/** Exact equality per field with Object.is (tells -0 from 0, no tolerance on doubles). */
function expectExact(actual: unknown, expected: Record<string, unknown>) {
  expect(Object.keys(actual as object).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) {
    expect(
      Object.is((actual as Record<string, unknown>)[k], v),
      `${k}: ${String((actual as Record<string, unknown>)[k])} vs ${String(v)}`,
    ).toBe(true);
  }
}

describe('schema evolution through Kafka', () => {
  it('the broker returns the exact bytes written (wire header with the writer id)', () => {
    expect(received).toHaveLength(written.length);
    received.forEach((r, i) => {
      const s = sent[i];
      expect(r.key?.toString('utf8')).toBe(s?.key);
      expect(r.value?.equals(s?.bytes as Buffer)).toBe(true);
      expect(r.value?.readInt32BE(1)).toBe(s?.schemaId);
    });
  });

  it('a new reader (v2) decodes old (v1) data: co2 takes its default', async () => {
    const decoder = createAvroDecoder({ registry, reader: v2 });
    for (const [i, r] of received.entries()) {
      const { value } = await decoder.decode(r.value as Buffer);
      const w = written[i];
      expectExact(value, w?.schema === 'v1' ? { ...w.value, co2: null } : (w?.value as Record<string, unknown>));
    }
  });

  it('an old reader (v1) decodes new (v2) data: co2 is skipped', async () => {
    const decoder = createAvroDecoder({ registry, reader: v1 });
    for (const [i, r] of received.entries()) {
      const { value } = await decoder.decode(r.value as Buffer);
      const { co2: _dropped, ...rest } = written[i]?.value as Record<string, unknown>;
      expectExact(value, rest);
    }
  });

  it('re-encoding a decoded value with its writer schema gives the same bytes', async () => {
    const decoder = createAvroDecoder({ registry });
    for (const [i, r] of received.entries()) {
      const { value, schemaId } = await decoder.decode(r.value as Buffer);
      const schema = written[i]?.schema === 'v1' ? v1 : v2;
      const again = await createAvroEncoder({ registry, subject, schema }).encode(value);
      expect(schemaId).toBe(sent[i]?.schemaId);
      expect(again.equals(r.value as Buffer)).toBe(true);
    }
  });
});
