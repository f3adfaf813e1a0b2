import { describe, expect, it } from 'vitest';
import { type AvroSchemaJson, createAvroEncoder, parseAvroSchema, SerdeErrorCode } from '../../lib/serde/index.js';
import { createRecordEncoder } from './record-encoder.js';
import { projectSchema } from './test-support/fixtures.js';

const environment = parseAvroSchema(projectSchema('environment') as AvroSchemaJson);
const registry = { lookupId: async () => 42, register: async () => 42 };
const subject = 'telemetry.environment-value';
const value = { deviceId: 'd1', ts: 1_740_830_400_000, site: 'lab', temperature: 21.5, humidity: null, pressure: 1013 };

describe('createRecordEncoder', () => {
  it('writes what lib/serde writes; synchronously once the schema id is known', async () => {
    const encoder = createRecordEncoder({
      registry,
      schemas: new Map([['environment', environment]]),
      autoRegister: false,
    });
    expect(encoder.encodeSync(subject, 'environment', value)).toBeUndefined();
    const bytes = await encoder.encode(subject, 'environment', value);
    const reference = await createAvroEncoder({ registry, subject, schema: environment }).encode(value);
    expect(bytes.equals(reference)).toBe(true);
    const again = encoder.encodeSync(subject, 'environment', { ...value, temperature: 22 });
    expect(again?.readInt32BE(1)).toBe(42);
    expect(environment.type.fromBuffer((again as Buffer).subarray(5))).toMatchObject({ temperature: 22 });
    expect(bytes.equals(reference)).toBe(true); // the reused buffer did not leak into earlier results
  });

  it('a value the schema refuses is SERDE_VALIDATION naming the field, sync or not', async () => {
    const encoder = createRecordEncoder({
      registry,
      schemas: new Map([['environment', environment]]),
      autoRegister: false,
    });
    const bad = { ...value, temperature: 'warm' };
    await expect(encoder.encode(subject, 'environment', bad)).rejects.toMatchObject({
      code: SerdeErrorCode.Validation,
      message: expect.stringContaining('temperature'),
    });
    expect(() => encoder.encodeSync(subject, 'environment', bad)).toThrow(/temperature/);
  });

  it('a value larger than its scratch buffer is still encoded', async () => {
    const encoder = createRecordEncoder({
      registry,
      schemas: new Map([['environment', environment]]),
      autoRegister: false,
    });
    const big = { ...value, deviceId: 'd'.repeat(100_000) };
    const bytes = await encoder.encode(subject, 'environment', big);
    expect(environment.type.fromBuffer(bytes.subarray(5))).toMatchObject({ deviceId: big.deviceId });
  });

  it('an unknown schema name is refused', async () => {
    const encoder = createRecordEncoder({ registry, schemas: new Map(), autoRegister: false });
    await expect(encoder.encode(subject, 'environment', value)).rejects.toMatchObject({
      code: 'MQTT_SOURCE_SCHEMA_NOT_LOADED',
    });
    expect(encoder.encodeSync(subject, 'environment', value)).toBeUndefined();
  });
});
