import { describe, expect, it } from 'vitest';
import { createDeviceAdmission } from './device-admission.js';
import { createGatewayPolicy, withRegistryLeaves } from './gateway-policy.js';

/** A registry stand-in with the view's live semantics: change events after each write. */
function fakeRegistry(records: Record<string, string[]> = {}) {
  const table = new Map(Object.entries(records).map(([id, leaves]) => [id, { gatewayLeaves: leaves }]));
  const listeners = new Set<(c: { deviceId: string }) => void>();
  return {
    get: (id: string) => table.get(id),
    has: (id: string) => table.has(id),
    onChange(l: (c: { deviceId: string }) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    put(id: string, leaves: string[] | undefined) {
      if (leaves) table.set(id, { gatewayLeaves: leaves });
      else table.delete(id);
      for (const l of listeners) l({ deviceId: id });
    },
  };
}

describe('gateway policy with registry leaves', () => {
  it('adds the leaves of the registry record to the YAML rules, live', () => {
    const registry = fakeRegistry({ 'gw-1': ['leaf-*'] });
    const policy = withRegistryLeaves(createGatewayPolicy({ 'yaml-gw': ['x'] }), registry);
    expect(policy.mayPublishFor('yaml-gw', 'x')).toBe(true);
    expect(policy.mayPublishFor('gw-1', 'leaf-7')).toBe(true);
    expect(policy.mayPublishFor('gw-2', 'leaf-7')).toBe(false);
    registry.put('gw-2', ['{gateway}.*']);
    expect(policy.mayPublishFor('gw-2', 'gw-2.1')).toBe(true);
    expect(policy.mayPublishFor('gw-2', 'leaf-7')).toBe(false);
    registry.put('gw-1', undefined); // tombstone
    expect(policy.mayPublishFor('gw-1', 'leaf-7')).toBe(false);
  });
});

describe('unknown-device admission', () => {
  it('accept passes silently, count passes and counts, dead-letter refuses as UNKNOWN_DEVICE', () => {
    const registry = fakeRegistry({ known: [] });
    const counted: string[] = [];
    const onUnknown = (id: string, policy: string) => counted.push(`${policy}:${id}`);
    expect(createDeviceAdmission('accept', registry, onUnknown).admit('u1')).toBeUndefined();
    expect(createDeviceAdmission('count', registry, onUnknown).admit('u2')).toBeUndefined();
    const dl = createDeviceAdmission('dead-letter', registry, onUnknown);
    expect(dl.admit('known')).toBeUndefined();
    expect(dl.admit('u3')).toMatchObject({ reason: 'UNKNOWN_DEVICE', field: 'deviceId', rule: 'registry' });
    expect(counted).toEqual(['accept:u1', 'count:u2', 'dead-letter:u3']);
    registry.put('u3', []);
    expect(dl.admit('u3')).toBeUndefined();
  });
});
