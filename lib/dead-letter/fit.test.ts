import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordSizeBytes } from '../kafka/record-size.js';
import { fitDeadLetter } from './fit.js';

const headers = { 'error.stage': 'mqtt-source', 'error.reason': 'OVERSIZE', 'mqtt.topic': 'sensors/s/d1/environment' };

describe('fitDeadLetter', () => {
  it('returns a record that fits untouched', () => {
    const record = { topic: 'dlq', key: 'd1', value: Buffer.alloc(1000, 1), headers };
    const fitted = fitDeadLetter(record, 10_000);
    expect(fitted.truncated).toBe(false);
    expect(fitted.record).toBe(record);
  });

  it('cuts a payload over the bound to a prefix, with the original size and SHA-256', () => {
    const value = Buffer.alloc(1_048_374);
    for (let i = 0; i < value.length; i++) value[i] = i % 251;
    const record = { topic: 'dlq', key: 'd1', value, headers };
    const { record: out, truncated } = fitDeadLetter(record, 1_000_000 - 1024);
    expect(truncated).toBe(true);
    expect(recordSizeBytes(out)).toBeLessThanOrEqual(1_000_000 - 1024);
    expect(out.value?.byteLength).toBeGreaterThan(990_000);
    expect(out.value?.equals(value.subarray(0, out.value.byteLength))).toBe(true);
    expect(out.headers?.['payload.truncated']).toBe('true');
    expect(out.headers?.['payload.size']).toBe('1048374');
    expect(out.headers?.['payload.sha256']).toBe(createHash('sha256').update(value).digest('hex'));
    expect(out.key).toBe('d1');
    expect(out.headers?.['error.reason']).toBe('OVERSIZE');
  });

  it('shortens long header values before cutting the payload', () => {
    const record = {
      topic: 'dlq',
      key: null,
      value: Buffer.alloc(100),
      headers: { ...headers, 'error.message': 'x'.repeat(50_000) },
    };
    const { record: out, truncated } = fitDeadLetter(record, 5_000);
    expect(truncated).toBe(false);
    expect(out.value?.byteLength).toBe(100);
    expect(out.headers?.['error.message']?.length).toBeLessThan(1100);
  });

  it('keeps no payload bytes when the headers alone fill the bound, and still names the original', () => {
    const record = { topic: 'dlq', key: 'k', value: Buffer.alloc(10_000), headers };
    const { record: out, truncated } = fitDeadLetter(record, 300);
    expect(truncated).toBe(true);
    expect(out.value?.byteLength).toBe(0);
    expect(out.headers?.['payload.size']).toBe('10000');
  });
});
