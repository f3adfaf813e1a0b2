import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SINK_DEAD_LETTER_REASONS } from '../../connectors/influxdb-sink/dead-letter.js';
import { MQTT_SINK_DEAD_LETTER_REASONS } from '../../connectors/mqtt-sink/dead-letter.js';
import { DEAD_LETTER_REASONS as MQTT_REASONS } from '../../connectors/mqtt-source/dead-letter-reason.js';
import { streamsReason } from '../../streams/runtime/errors/dead-letter.js';
import { IotpError } from '../errors.js';
import { repoRoot } from '../runtime/stack-env.js';
import { DEAD_LETTER_REASONS, isDeadLetterReason, reasonsOf } from './reasons.js';

describe('the one table of dead-letter reasons', () => {
  it('gives each stage its codes; every code a stage writes is in the table', () => {
    expect(MQTT_REASONS).toEqual([
      'INVALID_JSON',
      'SCHEMA_VIOLATION',
      'UNKNOWN_ROUTE',
      'OVERSIZE',
      'TS_OUT_OF_BOUNDS',
      'NON_FINITE',
      'DEVICE_SPOOFED',
      'KAFKA_REJECTED',
      'UNKNOWN_DEVICE',
    ]);
    expect(SINK_DEAD_LETTER_REASONS).toEqual(['DESERIALIZATION_FAILED', 'UNMAPPABLE', 'INFLUX_REJECTED']);
    expect(MQTT_SINK_DEAD_LETTER_REASONS).toEqual([
      'DESERIALIZATION_FAILED',
      'COMMAND_EXPIRED',
      'COMMAND_INVALID',
      'MQTT_REFUSED',
    ]);
    const e = new IotpError('X', 'x');
    const streams = [
      streamsReason('deserialization', e),
      streamsReason('deserialization', new IotpError('STREAMS_INVALID_TIMESTAMP', 't')),
      streamsReason('processing', e),
      streamsReason('punctuation', e),
      streamsReason('production', e),
    ];
    expect(streams).toEqual(reasonsOf('streams'));
    for (const code of [...MQTT_REASONS, ...SINK_DEAD_LETTER_REASONS, ...streams])
      expect(isDeadLetterReason(code)).toBe(true);
    expect(isDeadLetterReason('json serde: not JSON on in')).toBe(false);
  });

  it('is printed in docs/ARCHITECTURE.md, one row per code', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'ARCHITECTURE.md'), 'utf8');
    for (const [code, { stages }] of Object.entries(DEAD_LETTER_REASONS))
      expect(doc).toContain(`| \`${code}\` | ${stages.join(', ')} |`);
  });
});
