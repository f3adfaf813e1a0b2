import { type CrlInfo, writeCrl } from './crl.js';
import { validateDeviceId } from './device-id.js';
import { type CredentialKind, type Revocation, revokeCredentials, revokedCertificates } from './device-index.js';
import { type FleetSettings, requireSetting } from './fleet-settings.js';
import { readDeviceIndex, withIndexLock, writeDeviceIndex } from './index-file.js';
import { removeMosquittoUser } from './mosquitto-passwd.js';
import { type BrokerAction, reloadMosquitto, restartLocalMosquitto } from './mosquitto-process.js';
import type { RevocationReason } from './options.js';

/** Options of `iotp devices revoke`. */
export interface RevokeDevicesOptions {
  /** Kinds to revoke; empty: every kind. */
  kinds: CredentialKind[];
  /** Only the certificate with this serial (canonical hex). */
  serial?: string;
  reason?: RevocationReason;
  /** Restart the local stack's Mosquitto instead of SIGHUP (drops connections already open). */
  restartMosquitto?: boolean;
  now?: Date;
}

/** What `iotp devices revoke` did. */
export interface RevokeDevicesResult {
  revoked: Revocation[];
  /** The CRL written, when a certificate was revoked. */
  crl?: CrlInfo;
  /** Users removed from the password file. */
  passwordsRemoved: string[];
  broker: BrokerAction;
}

/**
 * Revokes devices' credentials, all or nothing: every id is checked first. Revoked certificates go
 * into a new CRL (written from the whole index), revoked passwords leave the password file; then
 * the index is written and the broker told: SIGHUP (new TLS handshakes with a revoked certificate
 * are refused at once on Mosquitto 2.0.11, connections already open stay open) or, with
 * `restartMosquitto`, a restart of the local stack's Mosquitto (closes those too).
 */
export async function revokeDevices(
  settings: FleetSettings,
  rawIds: readonly string[],
  options: RevokeDevicesOptions,
): Promise<RevokeDevicesResult> {
  const ids = rawIds.map((id) => validateDeviceId(id));
  const indexFile = requireSetting(settings, 'index');
  const now = options.now ?? new Date();
  return withIndexLock(indexFile, async () => {
    const { index, revoked } = revokeCredentials(
      readDeviceIndex(indexFile),
      ids,
      {
        kinds: options.kinds,
        ...(options.serial ? { serial: options.serial } : {}),
        ...(options.reason ? { reason: options.reason } : {}),
      },
      now,
    );
    let crl: CrlInfo | undefined;
    if (revoked.some((r) => r.credential.kind === 'certificate')) {
      const ca = { certFile: requireSetting(settings, 'caCert'), keyFile: requireSetting(settings, 'caKey') };
      crl = await writeCrl(ca, requireSetting(settings, 'crl'), revokedCertificates(index), settings.crlDays);
    }
    const passwordsRemoved: string[] = [];
    for (const r of revoked) {
      if (r.credential.kind !== 'password') continue;
      if (removeMosquittoUser(requireSetting(settings, 'passwdFile'), r.deviceId)) passwordsRemoved.push(r.deviceId);
    }
    writeDeviceIndex(indexFile, index);
    const broker = options.restartMosquitto ? await restartLocalMosquitto() : reloadMosquitto(settings.pidFile);
    return { revoked, ...(crl ? { crl } : {}), passwordsRemoved, broker };
  });
}
