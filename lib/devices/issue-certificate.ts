import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IotpError } from '../errors.js';
import { openssl } from './openssl.js';
import { subjectValue } from './openssl-database.js';
import { canonicalSerial } from './options.js';

/** The fleet CA that signs device certificates and the CRL (FLEET_CA, FLEET_CA_KEY). */
export interface FleetCa {
  certFile: string;
  keyFile: string;
}

/** A freshly issued device certificate and its private key (PEM). */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** Canonical upper-case hex. */
  serial: string;
  issuedAt: Date;
  notAfter: Date;
  /** SHA-256, colon-separated hex. */
  fingerprint: string;
}

/** The extensions of a device certificate: an end entity for TLS client authentication only. */
export const DEVICE_CERT_EXTENSIONS = [
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature',
  'extendedKeyUsage = clientAuth',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
  '',
].join('\n');

/** A random positive 128-bit serial in hex, 32 digits (RFC 5280: unique, at most 20 octets). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return bytes.toString('hex').toUpperCase();
}

/**
 * Issues a client certificate for `deviceId` (CN = deviceId, EC P-256 key made here, random serial,
 * clientAuth) signed by the fleet CA, valid for `days`. Works in a private temporary directory
 * that is removed afterwards; the key never lands anywhere else.
 */
export async function issueDeviceCertificate(ca: FleetCa, deviceId: string, days: number): Promise<IssuedCertificate> {
  const dir = mkdtempSync(join(tmpdir(), 'iotp-device-'));
  try {
    const serial = randomSerial();
    writeFileSync(join(dir, 'device.ext'), DEVICE_CERT_EXTENSIONS);
    await openssl(
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-utf8',
        '-subj',
        `/CN=${subjectValue(deviceId)}`,
        '-keyout',
        'key.pem',
        '-out',
        'device.csr',
      ],
      { cwd: dir },
    );
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        'device.csr',
        '-CA',
        ca.certFile,
        '-CAkey',
        ca.keyFile,
        '-set_serial',
        `0x${serial}`,
        '-days',
        String(days),
        '-sha256',
        '-extfile',
        'device.ext',
        '-out',
        'cert.pem',
      ],
      { cwd: dir },
    );
    const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
    const cert = new X509Certificate(certPem);
    if (canonicalSerial(cert.serialNumber) !== canonicalSerial(serial)) {
      throw new IotpError('DEVICES_ISSUE_FAILED', `openssl issued serial ${cert.serialNumber}, not ${serial}`);
    }
    return {
      certPem,
      keyPem,
      serial: canonicalSerial(serial),
      issuedAt: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
      fingerprint: cert.fingerprint256,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
