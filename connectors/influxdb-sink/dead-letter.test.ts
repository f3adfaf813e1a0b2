import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../lib/kafka/types.js';
import { deadLetterRecord } from './dead-letter.js';

describe('deadLetterRecord', () => {
  const raw = Buffer.from([0, 0, 0, 0, 7, 0xff, 0xfe]);
  const record: ConsumedRecord = {
    topic: 'telemetry.environment.agg.1m',
    partition: 3,
    offset: '12345678901234',
    key: Buffer.from('dev-1'),
    value: raw,
    timestamp: 1_700_000_000_000,
    headers: { 'mqtt.topic': 'sensors/x/dev-1/environment', 'error.reason': 'stale' },
  };

  it('keeps key, value and headers untouched and names stage, reason, source and time', () => {
    const dl = deadLetterRecord(
      record,
      {
        reason: 'INFLUX_REJECTED',
        code: 'INFLUX_400',
        message: 'partial write: field type conflict: ...',
        influxStatus: 400,
        line: 'm v=1 1',
      },
      { topic: 'telemetry.dlq', source: 'sink-1', nowMs: Date.UTC(2026, 0, 2, 3, 4, 5) },
    );
    expect(dl.topic).toBe('telemetry.dlq');
    expect(dl.value).toBe(raw);
    expect(Buffer.compare(dl.value as Buffer, Buffer.from([0, 0, 0, 0, 7, 0xff, 0xfe]))).toBe(0);
    expect(dl.key).toBe(record.key);
    expect(dl.timestamp).toBe(record.timestamp);
    expect(dl.headers).toEqual({
      'mqtt.topic': 'sensors/x/dev-1/environment',
      'error.stage': 'influxdb-sink',
      'error.reason': 'INFLUX_REJECTED',
      'error.code': 'INFLUX_400',
      'error.message': 'partial write: field type conflict: ...',
      'error.time': '2026-01-02T03:04:05.000Z',
      'error.source': 'sink-1',
      'source.topic': 'telemetry.environment.agg.1m',
      'source.partition': '3',
      'source.offset': '12345678901234',
      'source.timestamp': '1700000000000',
      'influx.status': '400',
      'influx.line': 'm v=1 1',
    });
  });

  it('keeps a tombstone-free record without influx headers when the sink refused it itself', () => {
    const dl = deadLetterRecord(
      record,
      { reason: 'DESERIALIZATION_FAILED', code: 'SERDE_MAGIC_BYTE', message: 'x'.repeat(10_000) },
      { topic: 'dlq', source: 's', nowMs: 0 },
    );
    expect(dl.headers?.['influx.status']).toBeUndefined();
    expect(dl.headers?.['error.message']).toHaveLength(4000);
  });
});
