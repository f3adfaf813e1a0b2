import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../lib/kafka/types.js';
import { commandDeadLetter, MQTT_SINK_DEAD_LETTER_REASONS } from './dead-letter.js';

describe('commandDeadLetter', () => {
  it('keeps key, value and headers, adds the error.* and source.* vocabulary', () => {
    const record: ConsumedRecord = {
      topic: 'telemetry.commands',
      partition: 2,
      offset: '41',
      key: Buffer.from('d1'),
      value: Buffer.from([0, 0, 0, 0, 7, 1, 2]),
      timestamp: 1_000,
      headers: { trace: 'abc' },
    };
    const dl = commandDeadLetter(
      record,
      { reason: 'COMMAND_EXPIRED', code: 'MQTT_SINK_COMMAND_EXPIRED', message: 'expired', mqttTopic: 'devices/d1/cmd' },
      { topic: 'telemetry.dlq', source: 'iotp-mqtt-sink-a', nowMs: 0 },
    );
    expect(dl.topic).toBe('telemetry.dlq');
    expect(dl.key).toBe(record.key);
    expect(dl.value).toBe(record.value);
    expect(dl.headers).toEqual({
      trace: 'abc',
      'error.stage': 'mqtt-sink',
      'error.reason': 'COMMAND_EXPIRED',
      'error.code': 'MQTT_SINK_COMMAND_EXPIRED',
      'error.message': 'expired',
      'error.time': '1970-01-01T00:00:00.000Z',
      'error.source': 'iotp-mqtt-sink-a',
      'source.topic': 'telemetry.commands',
      'source.partition': '2',
      'source.offset': '41',
      'source.timestamp': '1000',
      'mqtt.topic': 'devices/d1/cmd',
    });
  });

  it('writes the codes of the one reason table for its stage', () => {
    expect(MQTT_SINK_DEAD_LETTER_REASONS).toEqual([
      'DESERIALIZATION_FAILED',
      'COMMAND_EXPIRED',
      'COMMAND_INVALID',
      'MQTT_REFUSED',
    ]);
  });
});
