import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { createRouteTable } from './route-table.js';

describe('createRouteTable', () => {
  it('resolves Kafka topic and schema from the template placeholders', () => {
    const table = createRouteTable([
      { mqtt: 'sensors/{site}/{deviceId}/{type}', topic: 'telemetry.{type}', schema: '{type}' },
    ]);
    const r = table.resolve('sensors/lab/d1/power');
    expect(r.ok && r.route).toMatchObject({
      deviceId: 'd1',
      kafkaTopic: 'telemetry.power',
      schemaName: 'power',
      subject: 'telemetry.power-value',
      segments: { site: 'lab', deviceId: 'd1', type: 'power' },
    });
    const custom = createRouteTable([
      { mqtt: 'sensors/{site}/{deviceId}/{type}', topic: 't.{type}', schema: '{type}', subject: 'iotp-{type}' },
    ]).resolve('sensors/lab/d1/power');
    expect(custom.ok && custom.route.subject).toBe('iotp-power');
  });

  it('prefers the most specific template, whatever the config order', () => {
    const table = createRouteTable([
      { mqtt: 'sensors/{site}/{deviceId}/{type}', topic: 'telemetry.{type}', schema: '{type}' },
      { mqtt: 'sensors/{site}/{deviceId}/meter', topic: 'telemetry.power', schema: 'power' },
    ]);
    const r = table.resolve('sensors/lab/d1/meter');
    expect(r.ok && r.route.kafkaTopic).toBe('telemetry.power');
  });

  it('refuses a topic no template matches with UNKNOWN_ROUTE', () => {
    const table = createRouteTable([
      { mqtt: 'sensors/{site}/{deviceId}/power', topic: 'telemetry.power', schema: 'power' },
    ]);
    const r = table.resolve('sensors/lab/d1/water');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.rejection.reason).toBe('UNKNOWN_ROUTE');
    expect(!r.ok && r.rejection.message).toContain('sensors/lab/d1/water');
  });

  it('validates routes, naming the key', () => {
    expect(() => createRouteTable([])).toThrow(ConfigError);
    expect(() => createRouteTable([{ mqtt: 'sensors/{site}/{type}', topic: 't', schema: 's' }])).toThrow(
      /routes\[0\]\.mqtt: the template must have a \{deviceId\} level/,
    );
    expect(() =>
      createRouteTable([{ mqtt: 'sensors/{site}/{deviceId}', topic: 'telemetry.{type}', schema: 's' }]),
    ).toThrow(/routes\[0\]\.topic: \{type\} is not a placeholder/);
    expect(() => createRouteTable([{ mqtt: 'sensors/{deviceId}', topic: 't', schema: '' }])).toThrow(
      /routes\[0\]\.schema: expected a non-empty string/,
    );
  });
});
