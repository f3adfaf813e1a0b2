import { z } from 'zod';
import { IotpError } from '../errors.js';
import { canonicalSerial, REVOCATION_REASONS, type RevocationReason } from './options.js';

/** A client certificate issued to a device by the fleet CA. The private key is never recorded. */
export interface CertificateCredential {
  kind: 'certificate';
  /** Upper-case hex, as `openssl x509 -serial` prints it. */
  serial: string;
  /** ISO-8601 instants. */
  issuedAt: string;
  notAfter: string;
  /** SHA-256 fingerprint of the DER certificate, colon-separated hex. */
  fingerprint: string;
  /** Set once revoked: the certificate is in the CRL from then on. */
  revokedAt?: string;
  reason?: RevocationReason;
}

/** A password in Mosquitto's password file (only the broker keeps its hash). */
export interface PasswordCredential {
  kind: 'password';
  addedAt: string;
  /** Set once the user was removed from the password file. */
  revokedAt?: string;
}

/** How a device proves its identity to the broker. */
export type DeviceCredential = CertificateCredential | PasswordCredential;

/** `certificate` or `password`. */
export type CredentialKind = DeviceCredential['kind'];

/** A credential's state at some instant: `expired` only for certificates past notAfter. */
export type CredentialState = 'active' | 'revoked' | 'expired';

/** One device of the index. Issue 16 (device registry) may add fields beside `credentials`. */
export interface DeviceEntry {
  deviceId: string;
  /** Oldest first; revoked ones stay (they are what the CRL is made from). */
  credentials: DeviceCredential[];
}

/**
 * The device index (FLEET_INDEX, `devices.json` beside the fleet CA): every credential issued to a
 * device and its revocation. The CRL is generated from it.
 */
export interface DeviceIndex {
  version: 1;
  devices: DeviceEntry[];
}

/** A revoked certificate with the device it was issued to (one CRL entry). */
export interface RevokedCertificate extends CertificateCredential {
  deviceId: string;
  revokedAt: string;
}

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 instant');
const indexSchema = z.object({
  version: z.literal(1),
  devices: z.array(
    z.object({
      deviceId: z.string().min(1),
      credentials: z.array(
        z.discriminatedUnion('kind', [
          z.object({
            kind: z.literal('certificate'),
            serial: z.string().regex(/^[0-9A-F]+$/),
            issuedAt: instant,
            notAfter: instant,
            fingerprint: z.string(),
            revokedAt: instant.optional(),
            reason: z.enum(REVOCATION_REASONS).optional(),
          }),
          z.object({ kind: z.literal('password'), addedAt: instant, revokedAt: instant.optional() }),
        ]),
      ),
    }),
  ),
});

/** An index with no device (what a missing file means). */
export function emptyIndex(): DeviceIndex {
  return { version: 1, devices: [] };
}

/** Parses the index file's text; throws DEVICES_INDEX_INVALID naming the file and the first problem. */
export function parseDeviceIndex(text: string, file: string): DeviceIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new IotpError('DEVICES_INDEX_INVALID', `${file}: not JSON (${(cause as Error).message})`, { cause });
  }
  const parsed = indexSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IotpError(
      'DEVICES_INDEX_INVALID',
      `${file}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    );
  }
  return parsed.data as DeviceIndex;
}

/** The credential's state at `now`. */
export function credentialState(credential: DeviceCredential, now: Date): CredentialState {
  if (credential.revokedAt !== undefined) return 'revoked';
  if (credential.kind === 'certificate' && Date.parse(credential.notAfter) <= now.getTime()) return 'expired';
  return 'active';
}

/** The device's entry, if the index has one. */
export function findDevice(index: DeviceIndex, deviceId: string): DeviceEntry | undefined {
  return index.devices.find((d) => d.deviceId === deviceId);
}

/** The device's active credential of that kind, if any. */
export function activeCredential(
  index: DeviceIndex,
  deviceId: string,
  kind: CredentialKind,
  now: Date,
): DeviceCredential | undefined {
  return findDevice(index, deviceId)?.credentials.find((c) => c.kind === kind && credentialState(c, now) === 'active');
}

/** A copy of the index with `credential` appended to the device (created when new). */
export function withCredential(index: DeviceIndex, deviceId: string, credential: DeviceCredential): DeviceIndex {
  const found = findDevice(index, deviceId);
  const devices = found
    ? index.devices.map((d) => (d === found ? { ...d, credentials: [...d.credentials, credential] } : d))
    : [...index.devices, { deviceId, credentials: [credential] }];
  return { ...index, devices };
}

/** Which of a device's credentials `iotp devices revoke` revokes. */
export interface RevokeSelection {
  /** Kinds to revoke (both when empty). */
  kinds: readonly CredentialKind[];
  /** Only the certificate with this serial (canonical hex). */
  serial?: string;
  reason?: RevocationReason;
}

/** What {@link revokeCredentials} revoked, per device. */
export interface Revocation {
  deviceId: string;
  credential: DeviceCredential;
}

/**
 * Marks the selected, not yet revoked credentials of each device revoked at `now`. Throws (changing
 * nothing) when a device is not in the index or has nothing to revoke under the selection.
 */
export function revokeCredentials(
  index: DeviceIndex,
  deviceIds: readonly string[],
  selection: RevokeSelection,
  now: Date,
): { index: DeviceIndex; revoked: Revocation[] } {
  const revoked: Revocation[] = [];
  const at = now.toISOString();
  const selected = (c: DeviceCredential) =>
    c.revokedAt === undefined &&
    (selection.kinds.length === 0 || selection.kinds.includes(c.kind)) &&
    (selection.serial === undefined || (c.kind === 'certificate' && canonicalSerial(c.serial) === selection.serial));
  let next = index;
  for (const deviceId of new Set(deviceIds)) {
    const entry = findDevice(next, deviceId);
    if (!entry) {
      throw new IotpError(
        'DEVICE_UNKNOWN',
        `<deviceId>: '${deviceId}' is not in the device index (iotp devices list)`,
        {
          context: { deviceId },
        },
      );
    }
    if (!entry.credentials.some(selected)) {
      const what = selection.serial
        ? `no unrevoked certificate with serial ${selection.serial}`
        : `no unrevoked ${selection.kinds.length === 1 ? selection.kinds[0] : 'credential'}`;
      throw new IotpError('DEVICE_NOTHING_TO_REVOKE', `device '${deviceId}' has ${what} (iotp devices list)`, {
        context: { deviceId },
      });
    }
    const credentials = entry.credentials.map((c): DeviceCredential => {
      if (!selected(c)) return c;
      const done: DeviceCredential =
        c.kind === 'certificate'
          ? { ...c, revokedAt: at, ...(selection.reason ? { reason: selection.reason } : {}) }
          : { ...c, revokedAt: at };
      revoked.push({ deviceId, credential: done });
      return done;
    });
    next = { ...next, devices: next.devices.map((d) => (d === entry ? { ...d, credentials } : d)) };
  }
  return { index: next, revoked };
}

/** Every revoked certificate of the index: the entries of the CRL. */
export function revokedCertificates(index: DeviceIndex): RevokedCertificate[] {
  const out: RevokedCertificate[] = [];
  for (const d of index.devices)
    for (const c of d.credentials)
      if (c.kind === 'certificate' && c.revokedAt !== undefined)
        out.push({ ...c, deviceId: d.deviceId, revokedAt: c.revokedAt });
  return out;
}
