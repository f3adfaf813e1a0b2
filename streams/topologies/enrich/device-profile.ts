import type { DeviceRecord } from '../../../lib/devices/registry/index.js';
import { IotpError } from '../../../lib/errors.js';
import type { Serde, SyncSerde } from '../../runtime/serde.js';

/**
 * What enrichment takes from a device registry record: the table row of the enrich topology
 * (store `devices`). Gateway leaves, limits and detector overrides are left out, so the row and its
 * changelog stay small.
 *
 * @example { site: 'lyon', model: 'th-2', firmware: '1.4.0', tags: { building: 'b1' } }
 */
export interface DeviceProfile {
  site: string;
  model: string;
  firmware: string;
  tags: Record<string, string>;
}

/** The profile of a registry record. */
export function profileOf(record: Pick<DeviceRecord, 'site' | 'model' | 'firmware' | 'tags'>): DeviceProfile {
  return { site: record.site, model: record.model, firmware: record.firmware, tags: { ...record.tags } };
}

/**
 * The table source's serde: decodes a registry record with `records` (Avro on the registry in
 * production) and keeps its profile. Read-only: the topology never writes the registry.
 */
export function deviceProfileSourceSerde(records: Pick<Serde<DeviceRecord>, 'deserialize'>): Serde<DeviceProfile> {
  return {
    serialize: () => {
      throw new IotpError('STREAMS_READ_ONLY_SERDE', 'the device registry serde of the enrich topology only reads');
    },
    deserialize: (bytes, topic) => {
      const record = records.deserialize(bytes, topic);
      return record instanceof Promise ? record.then(profileOf) : profileOf(record);
    },
  };
}

/** The store serde of a profile: JSON of the four fields. */
export const deviceProfileStoreSerde: SyncSerde<DeviceProfile> = {
  serialize: (p) => Buffer.from(JSON.stringify([p.site, p.model, p.firmware, p.tags])),
  deserialize: (bytes, topic) => {
    if (bytes === null) throw new IotpError('ENRICH_STATE_INVALID', `device profile: null bytes on ${topic}`);
    const [site, model, firmware, tags] = JSON.parse(bytes.toString('utf8')) as [
      string,
      string,
      string,
      Record<string, string>,
    ];
    return { site, model, firmware, tags };
  },
};
