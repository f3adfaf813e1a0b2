import type { DeviceRecord } from './record.js';

/**
 * The InfluxDB tags a device's registry record gives its points: its `tags`, then `model` and
 * `firmware` when known (they win over a tag of the same name). Empty values are left out. Pure;
 * the sink merges them under the tags a point already has (connectors/influxdb-sink/device-tags.ts).
 *
 * @example
 *   registryTags({ model: 'th-2', firmware: '', tags: { building: 'b1' } });
 *   // { building: 'b1', model: 'th-2' }
 */
export function registryTags(record: Pick<DeviceRecord, 'model' | 'firmware' | 'tags'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record.tags)) if (value !== '') out[key] = value;
  if (record.model !== '') out.model = record.model;
  if (record.firmware !== '') out.firmware = record.firmware;
  return out;
}
