import { ConfigError } from '../lib/errors.js';
import { between, SALT } from './hash-random.js';
import type { SensorTypeModel } from './sensor-types/sensor-type-model.js';
import { sensorTypeModels } from './sensor-types/sensor-type-models.js';

/** One simulated sensor. */
export interface SimDevice {
  /** 0..devices-1: the device's identity for every random draw. */
  readonly index: number;
  readonly deviceId: string;
  readonly site: string;
  readonly model: SensorTypeModel;
  readonly params: Readonly<Record<string, number>>;
  readonly utcOffsetHours: number;
}

/**
 * What publishes one MQTT message per round: a device on its own, or a gateway speaking for its
 * leaf devices (one JSON array per round). `clientId` is the MQTT identity: the deviceId or the
 * gatewayId (the per-device ACL lets it publish under `sensors/<site>/<clientId>/...` only).
 */
export interface PublishUnit {
  readonly index: number;
  readonly clientId: string;
  readonly site: string;
  readonly type: string;
  readonly gateway: boolean;
  readonly devices: readonly SimDevice[];
}

export interface FleetOptions {
  devices: number;
  sites: number;
  /** Sensor type names (see SENSOR_TYPE_MODELS); devices take them in turn. */
  types: readonly string[];
  seed: number;
  /** Leaf devices per gateway; 0 or 1 = every device publishes for itself. */
  gatewaySize: number;
  /** Device ids are `<devicePrefix>-000042`; gateways `<devicePrefix>-gw-00003` with leaves `<gatewayId>.07`. */
  devicePrefix: string;
  /** Site names are `<sitePrefix>-01`, `<sitePrefix>-02`, ... */
  sitePrefix: string;
}

/**
 * The simulated fleet: devices spread over sites and types, and the units that publish for them.
 * Gateways group consecutive devices of the same site and type (the last gateway of a group may
 * have fewer leaves). Deterministic from the options.
 *
 * @example
 *   const fleet = createFleet({ devices: 6, sites: 2, types: ['environment', 'power'], seed: 1,
 *     gatewaySize: 0, devicePrefix: 'sim', sitePrefix: 'site' });
 *   fleet.units[1]; // { clientId: 'sim-000001', site: 'site-01', type: 'power', gateway: false, ... }
 */
export interface Fleet {
  readonly sites: readonly string[];
  readonly devices: readonly SimDevice[];
  readonly units: readonly PublishUnit[];
}

const ID_SAFE = /^[A-Za-z0-9._-]+$/;

export function createFleet(options: FleetOptions): Fleet {
  const { devices: n, sites: s, seed, gatewaySize } = options;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError('devices', `expected an integer >= 1, got ${n}`);
  if (!Number.isInteger(s) || s < 1) throw new ConfigError('sites', `expected an integer >= 1, got ${s}`);
  if (!Number.isInteger(gatewaySize) || gatewaySize < 0)
    throw new ConfigError('gatewaySize', `expected an integer >= 0, got ${gatewaySize}`);
  for (const [key, value] of [
    ['devicePrefix', options.devicePrefix],
    ['sitePrefix', options.sitePrefix],
  ] as const)
    if (!ID_SAFE.test(value))
      throw new ConfigError(key, `expected letters, digits, '.', '_' or '-' (an MQTT topic level), got '${value}'`);
  const models = sensorTypeModels(options.types);
  const sites = Array.from({ length: s }, (_, k) => `${options.sitePrefix}-${String(k + 1).padStart(2, '0')}`);
  const offsets = sites.map((_, k) => Math.round(between(-8, 10, seed, k, 0, SALT.siteParams)));

  const slots = Array.from({ length: n }, (_, i) => ({
    i,
    model: models[i % models.length] as SensorTypeModel,
    siteIndex: Math.floor(i / models.length) % s,
  }));
  const device = (slot: (typeof slots)[number], deviceId: string): SimDevice => ({
    index: slot.i,
    deviceId,
    site: sites[slot.siteIndex] as string,
    model: slot.model,
    params: slot.model.deviceParams(seed, slot.i),
    utcOffsetHours: offsets[slot.siteIndex] as number,
  });

  if (gatewaySize <= 1) {
    const all = slots.map((slot) => device(slot, `${options.devicePrefix}-${String(slot.i).padStart(6, '0')}`));
    const units = all.map((d, index) => ({
      index,
      clientId: d.deviceId,
      site: d.site,
      type: d.model.type,
      gateway: false,
      devices: [d],
    }));
    return { sites, devices: all, units };
  }

  const groups = new Map<string, (typeof slots)[number][]>();
  for (const slot of slots) {
    const key = `${slot.siteIndex}/${slot.model.type}`;
    const list = groups.get(key) ?? [];
    list.push(slot);
    groups.set(key, list);
  }
  const all: SimDevice[] = new Array(n);
  const units: PublishUnit[] = [];
  const width = String(gatewaySize - 1).length;
  for (const list of groups.values()) {
    for (let start = 0; start < list.length; start += gatewaySize) {
      const gatewayId = `${options.devicePrefix}-gw-${String(units.length).padStart(5, '0')}`;
      const leaves = list.slice(start, start + gatewaySize).map((slot, k) => {
        const d = device(slot, `${gatewayId}.${String(k).padStart(width, '0')}`);
        all[slot.i] = d;
        return d;
      });
      const first = leaves[0] as SimDevice;
      units.push({
        index: units.length,
        clientId: gatewayId,
        site: first.site,
        type: first.model.type,
        gateway: true,
        devices: leaves,
      });
    }
  }
  return { sites, devices: all, units };
}
