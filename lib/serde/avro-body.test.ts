import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IotpError } from '../errors.js';
import { repoRoot } from '../runtime/stack-env.js';
import { decodeAvroBody, encodeAvroBody } from './avro-body.js';
import { parseAvroSchema } from './avro-schema.js';

const env = parseAvroSchema(readFileSync(join(repoRoot, 'schemas', 'environment.avsc'), 'utf8'));
const windowResult = parseAvroSchema(readFileSync(join(repoRoot, 'schemas', 'window-result.avsc'), 'utf8'));
const sample = {
  deviceId: 'dev-0001',
  ts: 1_700_000_000_123,
  site: 'plant-a',
  temperature: 21.5,
  humidity: null,
  pressure: 1013.25,
};

function errorOf(fn: () => unknown): IotpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof IotpError) return error;
    throw error;
  }
  throw new Error('expected an IotpError, nothing was thrown');
}

describe('Avro body', () => {
  it('round-trips a reading', () => {
    expect(decodeAvroBody(env.type, encodeAvroBody(env.type, sample))).toEqual(sample);
  });

  it('reports SERDE_TRUNCATED at every truncation of a reading and of a window result', () => {
    const agg = {
      deviceId: 'd',
      type: 'environment',
      site: '',
      windowStart: 0,
      windowEnd: 60_000,
      fields: {
        temperature: {
          count: 3,
          min: 1,
          max: 3,
          mean: 2,
          sum: 6,
          stddev: 0.8,
          first: 1,
          last: 3,
          p50: 2,
          p95: null,
          p99: null,
        },
      },
      count: 3,
      tags: { floor: '2' },
    };
    for (const [type, value] of [
      [env.type, sample],
      [windowResult.type, agg],
    ] as const) {
      const body = encodeAvroBody(type, value);
      for (let n = 0; n < body.length; n++) {
        expect(errorOf(() => decodeAvroBody(type, body.subarray(0, n))).code, `${type.name} cut at ${n}`).toBe(
          'SERDE_TRUNCATED',
        );
      }
    }
  });

  it('reports trailing bytes and bad union indexes as SERDE_CORRUPT_BODY', () => {
    const body = encodeAvroBody(env.type, sample);
    expect(errorOf(() => decodeAvroBody(env.type, Buffer.concat([body, Buffer.from([0])]))).code).toBe(
      'SERDE_CORRUPT_BODY',
    );
    // deviceId '' (0x00), ts 0 (0x00), site '' (0x00), then union index 9 for temperature.
    expect(errorOf(() => decodeAvroBody(env.type, Buffer.from([0, 0, 0, 0x12]))).code).toBe('SERDE_CORRUPT_BODY');
  });

  it('names the field and the rule on invalid values', () => {
    const error = errorOf(() => encodeAvroBody(env.type, { ...sample, temperature: 'hot', ts: undefined }));
    expect(error.code).toBe('SERDE_VALIDATION');
    expect(error.message).toContain('temperature: expected null or a double (number), got "hot"');
    expect(error.message).toContain('ts: required: a long');
    expect(error.context.field).toBe('ts');
  });
});
