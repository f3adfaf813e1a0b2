import { type CredentialKind, type CredentialState, credentialState, type DeviceIndex } from './device-index.js';
import type { RevocationReason } from './options.js';

/** One credential as `iotp devices list` shows it. */
export interface CredentialView {
  kind: CredentialKind;
  state: CredentialState;
  /** Certificates only. */
  serial?: string;
  notAfter?: string;
  fingerprint?: string;
  reason?: RevocationReason;
  /** When it was issued (certificate) or added (password). */
  since: string;
  revokedAt?: string;
}

/** `iotp devices list --json`: the devices in id order, each with its credentials oldest first. */
export interface DeviceListing {
  devices: Array<{ deviceId: string; credentials: CredentialView[] }>;
}

/** The index as a listing, states taken at `now`. */
export function listDevices(index: DeviceIndex, now: Date): DeviceListing {
  const devices = [...index.devices]
    .sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0))
    .map((d) => ({
      deviceId: d.deviceId,
      credentials: d.credentials.map((c): CredentialView => {
        const common = {
          kind: c.kind,
          state: credentialState(c, now),
          ...(c.revokedAt ? { revokedAt: c.revokedAt } : {}),
        };
        return c.kind === 'certificate'
          ? {
              ...common,
              serial: c.serial,
              notAfter: c.notAfter,
              fingerprint: c.fingerprint,
              since: c.issuedAt,
              ...(c.reason ? { reason: c.reason } : {}),
            }
          : { ...common, since: c.addedAt };
      }),
    }));
  return { devices };
}

/** The listing as a text table, one line per credential. */
export function formatDeviceTable(listing: DeviceListing): string {
  const rows = [['DEVICE', 'CREDENTIAL', 'STATE', 'SERIAL', 'EXPIRES', 'REVOKED']];
  for (const d of listing.devices)
    for (const c of d.credentials)
      rows.push([
        d.deviceId,
        c.kind,
        c.state,
        c.serial ?? '-',
        c.notAfter ?? '-',
        c.revokedAt ? `${c.revokedAt}${c.reason ? ` (${c.reason})` : ''}` : '-',
      ]);
  if (rows.length === 1) return 'no devices (iotp devices add <deviceId> issues a certificate)\n';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
