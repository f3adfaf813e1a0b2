/**
 * Certificates and CRLs through the real `openssl` CLI (no server): a throwaway CA in a temporary
 * directory, a device certificate from it, a CRL that revokes it, checked by `openssl verify`.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCrl } from './crl.js';
import { type FleetCa, issueDeviceCertificate } from './issue-certificate.js';

let dir: string;
let ca: FleetCa;

const verify = (cert: string, crl?: string) => {
  try {
    return execFileSync(
      'openssl',
      [
        'verify',
        '-CAfile',
        ca.certFile,
        ...(crl ? ['-crl_check', '-CRLfile', crl] : []),
        '-purpose',
        'sslclient',
        cert,
      ],
      { encoding: 'utf8', stdio: 'pipe' },
    );
  } catch (error) {
    return (
      String((error as { stdout?: string; stderr?: string }).stdout ?? '') +
      String((error as { stderr?: string }).stderr)
    );
  }
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iotp-certs-test-'));
  ca = { certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca.key') };
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '30',
      '-subj',
      '/CN=test fleet CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      ca.keyFile,
      '-out',
      ca.certFile,
    ],
    { stdio: 'pipe' },
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('device certificates with openssl', () => {
  it('issues CN = deviceId (escaping openssl syntax, UTF-8 kept), clientAuth only, the recorded serial', async () => {
    for (const id of ['dev-1', 'Kühlraum=3 \\ x']) {
      const issued = await issueDeviceCertificate(ca, id, 10);
      const cert = new X509Certificate(issued.certPem);
      expect(cert.subject).toBe(`CN=${id.replaceAll('\\', '\\\\')}`); // Node shows a backslash escaped; the DER holds one
      expect(cert.serialNumber).toBe(issued.serial);
      expect(issued.serial).toMatch(/^[1-7][0-9A-F]{31}$/);
      expect(cert.ca).toBe(false);
      expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // extendedKeyUsage clientAuth
      expect(cert.checkIssued(new X509Certificate(execFileSync('cat', [ca.certFile])))).toBe(true);
      expect(issued.notAfter.getTime() - issued.issuedAt.getTime()).toBe(10 * 86_400_000);
      expect(issued.keyPem).toContain('PRIVATE KEY');
    }
  });

  it('a CRL from the index revokes exactly the listed serials, numbered one above the last', async () => {
    const kept = await issueDeviceCertificate(ca, 'kept', 10);
    const gone = await issueDeviceCertificate(ca, 'gone', 10);
    writeFileSync(join(dir, 'kept.pem'), kept.certPem);
    writeFileSync(join(dir, 'gone.pem'), gone.certPem);
    const crlFile = join(dir, 'crl.pem');
    const empty = await writeCrl(ca, crlFile, [], 30);
    expect(empty).toMatchObject({ number: 1, revoked: 0 });
    expect(verify(join(dir, 'gone.pem'), crlFile)).toMatch(/OK/);
    const revokedAt = new Date().toISOString();
    const crl = await writeCrl(
      ca,
      crlFile,
      [
        {
          ...gone,
          kind: 'certificate',
          deviceId: 'gone',
          issuedAt: '',
          notAfter: gone.notAfter.toISOString(),
          revokedAt,
          reason: 'keyCompromise',
        },
      ],
      30,
    );
    expect(crl).toMatchObject({ number: 2, revoked: 1 });
    expect(crl.nextUpdate.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(verify(join(dir, 'gone.pem'), crlFile)).toMatch(/certificate revoked/);
    expect(verify(join(dir, 'kept.pem'), crlFile)).toMatch(/OK/);
    const text = execFileSync('openssl', ['crl', '-in', crlFile, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain(`Serial Number: ${gone.serial}`);
    expect(text).toContain('Key Compromise');
  });
});
