import type { DeviceProfile } from './device-profile.js';

/** The fields enrichment adds (lib/config/enriched-topics.ts derives the Avro schema with them). */
export interface Enrichment {
  model: string;
  firmware: string;
  deviceTags: Record<string, string>;
}

/** A decoded record (reading or anomaly) with its enrichment. */
export type Enriched<T> = T & Enrichment & { site?: unknown };

/**
 * The joiner of the enrich topology: the record with its device's model, firmware and tags, and
 * its `site` replaced by the registry's when the registry has one (the registry says where a
 * device is; the MQTT topic only what the device claims). A device the registry does not hold
 * (left join: `profile` null) passes with empty enrichment and its own site.
 *
 * @example
 *   enrichRecord({ deviceId: 'd1', ts: 1, site: '', temperature: 20 }, { site: 'lyon', model: 'th-2', firmware: '1.4', tags: {} });
 *   // { deviceId: 'd1', ts: 1, site: 'lyon', temperature: 20, model: 'th-2', firmware: '1.4', deviceTags: {} }
 */
export function enrichRecord<T extends object>(value: T, profile: DeviceProfile | null): Enriched<T> {
  if (profile === null) return { ...value, model: '', firmware: '', deviceTags: {} };
  const site = profile.site !== '' ? profile.site : (value as { site?: unknown }).site;
  return {
    ...value,
    ...(site !== undefined ? { site } : {}),
    model: profile.model,
    firmware: profile.firmware,
    deviceTags: profile.tags,
  };
}
