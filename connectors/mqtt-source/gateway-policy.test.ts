import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { createGatewayPolicy } from './gateway-policy.js';

describe('createGatewayPolicy', () => {
  it('with no config nobody may publish for another device', () => {
    const policy = createGatewayPolicy();
    expect(policy.mayPublishFor('d1', 'victim')).toBe(false);
  });

  it('lets a listed gateway speak for the leaves its patterns match, and no one else', () => {
    const policy = createGatewayPolicy({ 'gw-1': ['leaf-*'] });
    expect(policy.mayPublishFor('gw-1', 'leaf-7')).toBe(true);
    expect(policy.mayPublishFor('gw-1', 'other')).toBe(false);
    expect(policy.mayPublishFor('gw-2', 'leaf-7')).toBe(false);
  });

  it('gateway patterns, with {gateway} standing for the gateway in its leaf patterns', () => {
    const policy = createGatewayPolicy({ 'sim-gw-*': ['{gateway}.*'] });
    expect(policy.mayPublishFor('sim-gw-00003', 'sim-gw-00003.07')).toBe(true);
    expect(policy.mayPublishFor('sim-gw-00003', 'sim-gw-00004.07')).toBe(false);
    expect(policy.mayPublishFor('sim-000001', 'sim-000001.1')).toBe(false);
  });

  it('refuses an empty pattern list with the key named', () => {
    expect(() => createGatewayPolicy({ 'gw-1': [] }, 'mqtt.gateways')).toThrow(ConfigError);
    expect(() => createGatewayPolicy({ 'gw-1': [] }, 'mqtt.gateways')).toThrow(/mqtt.gateways.gw-1/);
  });
});
