import { type CrlInfo, writeCrl } from './crl.js';
import { revokedCertificates } from './device-index.js';
import { type FleetSettings, requireSetting } from './fleet-settings.js';
import { readDeviceIndex, withIndexLock } from './index-file.js';
import { type BrokerAction, reloadMosquitto, restartLocalMosquitto } from './mosquitto-process.js';

/** What `iotp devices crl` did. */
export interface RewriteCrlResult {
  crl: CrlInfo;
  broker: BrokerAction;
}

/**
 * Writes the CRL again from the device index, re-signed with a new nextUpdate (`days`, default
 * FLEET_CRL_DAYS): to renew it before it expires, or to rebuild a lost one. Then tells the broker
 * as `iotp devices revoke` does.
 */
export async function rewriteCrl(
  settings: FleetSettings,
  options: { days?: number; restartMosquitto?: boolean } = {},
): Promise<RewriteCrlResult> {
  const indexFile = requireSetting(settings, 'index');
  return withIndexLock(indexFile, async () => {
    const ca = { certFile: requireSetting(settings, 'caCert'), keyFile: requireSetting(settings, 'caKey') };
    const revoked = revokedCertificates(readDeviceIndex(indexFile));
    const crl = await writeCrl(ca, requireSetting(settings, 'crl'), revoked, options.days ?? settings.crlDays);
    const broker = options.restartMosquitto ? await restartLocalMosquitto() : reloadMosquitto(settings.pidFile);
    return { crl, broker };
  });
}
