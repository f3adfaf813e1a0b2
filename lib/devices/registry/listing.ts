import type { DeviceListing } from '../list-devices.js';
import type { DeviceRecord } from './record.js';

/** One device as `iotp devices list` shows it: its registry record (if any) and its credentials. */
export interface RegistryListingRow {
  deviceId: string;
  /** undefined: the device has credentials but no registry record. */
  record: DeviceRecord | undefined;
  credentials: DeviceListing['devices'][number]['credentials'];
}

/** Registry records and credential listing joined by deviceId, in id order. */
export function joinListing(
  table: ReadonlyMap<string, DeviceRecord>,
  credentials: DeviceListing,
): RegistryListingRow[] {
  const byId = new Map(credentials.devices.map((d) => [d.deviceId, d.credentials]));
  const ids = [...new Set([...table.keys(), ...byId.keys()])].sort();
  return ids.map((deviceId) => ({ deviceId, record: table.get(deviceId), credentials: byId.get(deviceId) ?? [] }));
}

/** The joined listing as a text table: one line per device. */
export function formatRegistryTable(rows: readonly RegistryListingRow[]): string {
  const table = [['DEVICE', 'REGISTRY', 'SITE', 'MODEL', 'FIRMWARE', 'LEAVES', 'TAGS', 'CREDENTIALS']];
  for (const r of rows)
    table.push([
      r.deviceId,
      r.record ? 'yes' : 'no',
      r.record?.site || '-',
      r.record?.model || '-',
      r.record?.firmware || '-',
      r.record && r.record.gatewayLeaves.length > 0 ? r.record.gatewayLeaves.join(',') : '-',
      r.record && Object.keys(r.record.tags).length > 0
        ? Object.entries(r.record.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')
        : '-',
      r.credentials.length > 0 ? r.credentials.map((c) => `${c.kind}:${c.state}`).join(',') : '-',
    ]);
  if (table.length === 1) return 'no devices (iotp devices add <deviceId> --site <s> registers one)\n';
  const widths = (table[0] as string[]).map((_, i) => Math.max(...table.map((row) => (row[i] as string).length)));
  return `${table
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
