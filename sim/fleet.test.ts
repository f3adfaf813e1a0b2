import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/errors.js';
import { createFleet } from './fleet.js';

const base = {
  devices: 1000,
  sites: 7,
  types: ['environment', 'power'],
  seed: 3,
  gatewaySize: 0,
  devicePrefix: 'sim',
  sitePrefix: 'site',
};

describe('createFleet', () => {
  it('spreads devices over every site and type, one publishing unit each, with unique ids', () => {
    const fleet = createFleet(base);
    expect(fleet.devices).toHaveLength(1000);
    expect(fleet.units).toHaveLength(1000);
    expect(new Set(fleet.devices.map((d) => d.deviceId)).size).toBe(1000);
    expect(new Set(fleet.devices.map((d) => d.site))).toEqual(new Set(fleet.sites));
    expect(fleet.sites).toHaveLength(7);
    const types = fleet.devices.map((d) => d.model.type);
    expect(types.filter((t) => t === 'environment')).toHaveLength(500);
    expect(fleet.units[1]).toMatchObject({ clientId: 'sim-000001', type: 'power', gateway: false });
  });

  it('groups leaves of one site and type under gateways of at most K devices, covering every device once', () => {
    const fleet = createFleet({ ...base, gatewaySize: 16 });
    const leaves = fleet.units.flatMap((u) => u.devices);
    expect(leaves).toHaveLength(1000);
    expect(new Set(leaves.map((d) => d.index)).size).toBe(1000);
    for (const unit of fleet.units) {
      expect(unit.gateway).toBe(true);
      expect(unit.devices.length).toBeGreaterThan(0);
      expect(unit.devices.length).toBeLessThanOrEqual(16);
      for (const d of unit.devices) {
        expect(d.site).toBe(unit.site);
        expect(d.model.type).toBe(unit.type);
        expect(d.deviceId.startsWith(`${unit.clientId}.`)).toBe(true);
      }
    }
    // 14 (site, type) groups of ~71 devices: 5 gateways each.
    expect(fleet.units).toHaveLength(14 * 5);
  });

  it('refuses bad options with a ConfigError naming the key', () => {
    expect(() => createFleet({ ...base, devices: 0 })).toThrow(ConfigError);
    expect(() => createFleet({ ...base, types: ['weather'] })).toThrow(/types: unknown sensor type 'weather'/);
    expect(() => createFleet({ ...base, devicePrefix: 'a/b' })).toThrow(/devicePrefix/);
  });
});
