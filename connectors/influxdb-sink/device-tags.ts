import type { Logger } from 'pino';
import { type RegistryView, registryTags } from '../../lib/devices/registry/index.js';
import { escapeKey } from './line-protocol.js';
import type { RecordKind } from './mapping-rule.js';

/** The registry tags of a device (undefined: the registry does not hold it, or gives it no tag). */
export type DeviceTagsLookup = (deviceId: string) => Readonly<Record<string, string>> | undefined;

/** The record kinds identified by a deviceId whose points get registry tags (device status does not). */
export const DEVICE_TAGGED_KINDS: ReadonlySet<RecordKind> = new Set(['reading', 'window', 'anomaly']);

/**
 * The tags of a point: the sink's static tags, then the device's registry tags, then the point's
 * own (from the route and the record), each later one winning. A registry tag therefore never
 * replaces a tag the point already has, and a static tag never replaces a registry tag.
 *
 * @example
 *   mergeTags({ deviceId: 'd1', site: 's1' }, { site: 'x', model: 'th-2' }, { env: 'prod' });
 *   // { env: 'prod', model: 'th-2', deviceId: 'd1', site: 's1' }
 */
export function mergeTags(
  pointTags: Readonly<Record<string, string>>,
  deviceTags: Readonly<Record<string, string>> | undefined,
  staticTags: Readonly<Record<string, string>>,
): Record<string, string> {
  return { ...staticTags, ...deviceTags, ...pointTags };
}

/**
 * The registry tags of each device from the live view, computed once per device and recomputed
 * after a change of it (so an update applies to the points made after it arrives). A tag whose key
 * or value line protocol cannot represent (a backslash before `,` `=` space or at the end, a
 * newline) is left out with a warning, instead of sending every point of the device to the
 * dead-letter topic.
 *
 * @example
 *   const lookup = deviceTagsLookup(view, log);
 *   lookup('d1'); // { model: 'th-2', firmware: '1.4.0', building: 'b1' }
 */
export function deviceTagsLookup(view: Pick<RegistryView, 'get' | 'onChange'>, log: Logger): DeviceTagsLookup {
  const cache = new Map<string, Readonly<Record<string, string>> | undefined>();
  view.onChange(({ deviceId }) => cache.delete(deviceId));
  return (deviceId) => {
    if (cache.has(deviceId)) return cache.get(deviceId);
    const record = view.get(deviceId);
    const tags = record === undefined ? undefined : representable(deviceId, registryTags(record), log);
    // Only devices the registry holds are cached: the cache is bounded by the registry's size.
    if (record !== undefined) cache.set(deviceId, tags);
    return tags;
  };
}

function representable(
  deviceId: string,
  tags: Record<string, string>,
  log: Logger,
): Readonly<Record<string, string>> | undefined {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    try {
      escapeKey(key, 'tag key');
      escapeKey(value, 'tag value');
      out[key] = value;
    } catch (error) {
      log.warn({ err: error, deviceId, tag: key }, 'registry tag left out: InfluxDB cannot store it');
    }
  }
  return Object.keys(out).length > 0 ? Object.freeze(out) : undefined;
}
