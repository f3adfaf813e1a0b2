import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { parseMqttSourceOptions } from './options.js';

const minimal = {
  mqtt: { url: 'mqtt://127.0.0.1:18830', clientId: 'src-0' },
  registry: { url: 'http://127.0.0.1:18081/apis/ccompat/v7' },
};

describe('parseMqttSourceOptions', () => {
  it('fills every default', () => {
    const o = parseMqttSourceOptions(minimal);
    expect(o.mqtt).toMatchObject({
      group: 'iotp-mqtt-source',
      protocolVersion: 5,
      receiveMaximum: 1000,
      sessionExpirySeconds: 604_800,
    });
    expect(o.routes).toEqual([
      { mqtt: 'sensors/{site}/{deviceId}/{type}', topic: 'telemetry.{type}', schema: '{type}', subscribe: 'namespace' },
    ]);
    expect(o.status).toEqual({ topic: 'telemetry.device-status', schema: 'device-status' });
    expect(o.deadLetterTopic).toBe('telemetry.dlq');
    expect(o.batch).toEqual({ maxMessages: 500, retryInitialMs: 100, retryMaxMs: 5000 });
  });

  it.each([
    [{ ...minimal, mqtt: { ...minimal.mqtt, url: 'http://x' } }, 'mqtt.url', 'mqtt://host:port'],
    [{ ...minimal, mqtt: { ...minimal.mqtt, receiveMaximum: 0 } }, 'mqtt.receiveMaximum', ''],
    [{ ...minimal, mqtt: { ...minimal.mqtt, group: 'a/b' } }, 'mqtt.group', 'without / + #'],
    [{ ...minimal, limits: { maxPayloadBytes: -1 } }, 'limits.maxPayloadBytes', ''],
    [{ ...minimal, routes: [] }, 'routes', ''],
    [{ ...minimal, colour: 'red' }, '(root)', 'colour'],
    [{ ...minimal, mqtt: { ...minimal.mqtt, certFile: 'c.pem' } }, 'mqtt.keyFile', 'both certFile and keyFile'],
    [{ ...minimal, batch: { retryInitialMs: 500, retryMaxMs: 100 } }, 'batch.retryMaxMs', '>= batch.retryInitialMs'],
  ])('%j is refused naming %s', (input, key, text) => {
    const attempt = () => parseMqttSourceOptions(input);
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).key).toBe(key);
      expect((error as ConfigError).message).toContain(text);
    }
  });
});
