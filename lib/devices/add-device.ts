import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { IotpError } from '../errors.js';
import { deviceDirName, validateDeviceId } from './device-id.js';
import { activeCredential, type CredentialKind, type DeviceCredential, withCredential } from './device-index.js';
import { type FleetSettings, requireSetting } from './fleet-settings.js';
import { readDeviceIndex, withIndexLock, writeDeviceIndex } from './index-file.js';
import { issueDeviceCertificate } from './issue-certificate.js';
import { setMosquittoPassword } from './mosquitto-passwd.js';
import { type BrokerAction, reloadMosquitto } from './mosquitto-process.js';

/** Options of `iotp devices add`. */
export interface AddDeviceOptions {
  /** `certificate` (default of the command) or `password`. */
  kind: CredentialKind;
  /** Where the device's files go (default: `devices/<id>/` beside the index). */
  outDir?: string;
  /** Certificate validity in days. */
  days: number;
  now?: Date;
}

/** A certificate issued by {@link addDevice}: where its files are, and what the index recorded. */
export interface CertificateAdded {
  kind: 'certificate';
  deviceId: string;
  serial: string;
  notAfter: string;
  fingerprint: string;
  certFile: string;
  /** Mode 0600. */
  keyFile: string;
  /** A copy of the broker's server CA (MQTT_CA), for the device to verify the broker. */
  serverCaFile?: string;
  /** MQTTS_DEVICE_URL. */
  url?: string;
}

/** A password registered by {@link addDevice}: shown once, only its hash is kept (by Mosquitto). */
export interface PasswordAdded {
  kind: 'password';
  deviceId: string;
  password: string;
  /** `<out>/password` (mode 0600) when an output directory was given. */
  passwordFile?: string;
  passwdFile: string;
  broker: BrokerAction;
}

/** What `iotp devices add` did. */
export type AddDeviceResult = CertificateAdded | PasswordAdded;

/**
 * Gives a device a credential: a client certificate from the fleet CA (CN = deviceId, recorded in
 * the index before its files are written, so no certificate exists that the index does not know),
 * or a password in Mosquitto's password file (then SIGHUP). A device has at most one active
 * credential of each kind: a second is refused until the first is revoked.
 */
export async function addDevice(
  settings: FleetSettings,
  rawId: string,
  options: AddDeviceOptions,
): Promise<AddDeviceResult> {
  const deviceId = validateDeviceId(rawId);
  const indexFile = requireSetting(settings, 'index');
  const now = options.now ?? new Date();
  return withIndexLock(indexFile, async () => {
    const index = readDeviceIndex(indexFile);
    const existing = activeCredential(index, deviceId, options.kind, now);
    if (existing) throw alreadyHas(deviceId, existing);
    const outDir = resolve(options.outDir ?? join(dirname(indexFile), 'devices', deviceDirName(deviceId)));
    if (options.kind === 'password') {
      const passwdFile = requireSetting(settings, 'passwdFile');
      const password = randomBytes(18).toString('base64url');
      writeDeviceIndex(indexFile, withCredential(index, deviceId, { kind: 'password', addedAt: now.toISOString() }));
      await setMosquittoPassword(passwdFile, deviceId, password);
      let passwordFile: string | undefined;
      if (options.outDir) {
        passwordFile = join(outDir, 'password');
        writePrivate(passwordFile, `${password}\n`);
      }
      return {
        kind: 'password',
        deviceId,
        password,
        ...(passwordFile ? { passwordFile } : {}),
        passwdFile,
        broker: reloadMosquitto(settings.pidFile),
      };
    }
    const ca = { certFile: requireSetting(settings, 'caCert'), keyFile: requireSetting(settings, 'caKey') };
    const issued = await issueDeviceCertificate(ca, deviceId, options.days);
    writeDeviceIndex(
      indexFile,
      withCredential(index, deviceId, {
        kind: 'certificate',
        serial: issued.serial,
        issuedAt: issued.issuedAt.toISOString(),
        notAfter: issued.notAfter.toISOString(),
        fingerprint: issued.fingerprint,
      }),
    );
    const certFile = join(outDir, 'cert.pem');
    const keyFile = join(outDir, 'key.pem');
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    writeFileSync(certFile, issued.certPem, { mode: 0o644 });
    writePrivate(keyFile, issued.keyPem);
    let serverCaFile: string | undefined;
    if (settings.serverCa) {
      serverCaFile = join(outDir, 'server-ca.pem');
      copyFileSync(settings.serverCa, serverCaFile);
    }
    return {
      kind: 'certificate',
      deviceId,
      serial: issued.serial,
      notAfter: issued.notAfter.toISOString(),
      fingerprint: issued.fingerprint,
      certFile,
      keyFile,
      ...(serverCaFile ? { serverCaFile } : {}),
      ...(settings.deviceUrl ? { url: settings.deviceUrl } : {}),
    };
  });
}

/** Writes a secret with mode 0600 from its first byte (an older file is removed first). */
function writePrivate(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  rmSync(file, { force: true });
  writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
}

function alreadyHas(deviceId: string, existing: DeviceCredential): IotpError {
  const what =
    existing.kind === 'certificate'
      ? `an active certificate (serial ${existing.serial}, expires ${existing.notAfter})`
      : 'an active password';
  const flag = existing.kind === 'certificate' ? '--cert' : '--password';
  return new IotpError(
    'DEVICE_CREDENTIAL_EXISTS',
    `device '${deviceId}' already has ${what}: revoke it first with 'iotp devices revoke ${deviceId} ${flag}'`,
    { context: { deviceId } },
  );
}
