import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RevokedCertificate } from './device-index.js';
import type { FleetCa } from './issue-certificate.js';
import { openssl } from './openssl.js';
import { crlNumberFileText, parseCrlNumber, renderCaConfig, renderOpensslDatabase } from './openssl-database.js';

/** A CRL written by {@link writeCrl}. */
export interface CrlInfo {
  file: string;
  /** CRL number: one more than the previous file's. */
  number: number;
  /** Certificates it lists. */
  revoked: number;
  nextUpdate: Date;
}

/**
 * Writes the fleet CA's CRL listing `revoked`, valid for `days` (a broker refuses every client
 * certificate once the CRL it holds is past nextUpdate), numbered one above the current file's. The
 * file is replaced atomically: a broker reloading it never sees half a file.
 */
export async function writeCrl(
  ca: FleetCa,
  crlFile: string,
  revoked: readonly RevokedCertificate[],
  days: number,
): Promise<CrlInfo> {
  const previous = existsSync(crlFile)
    ? parseCrlNumber(await openssl(['crl', '-in', crlFile, '-noout', '-crlnumber']))
    : undefined;
  const number = (previous ?? 0) + 1;
  const dir = mkdtempSync(join(tmpdir(), 'iotp-crl-'));
  try {
    writeFileSync(join(dir, 'index.txt'), renderOpensslDatabase(revoked));
    writeFileSync(join(dir, 'crlnumber'), crlNumberFileText(number));
    writeFileSync(join(dir, 'ca.cnf'), renderCaConfig('./index.txt', './crlnumber'));
    await openssl(
      [
        'ca',
        '-gencrl',
        '-batch',
        '-config',
        'ca.cnf',
        '-keyfile',
        ca.keyFile,
        '-cert',
        ca.certFile,
        '-crldays',
        String(days),
        '-out',
        'crl.pem',
      ],
      { cwd: dir },
    );
    const next = `${crlFile}.next-${process.pid}`;
    writeFileSync(next, readFileSync(join(dir, 'crl.pem')));
    chmodSync(next, 0o644);
    renameSync(next, crlFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const nextUpdate = /nextUpdate=(.*)/.exec(await openssl(['crl', '-in', crlFile, '-noout', '-nextupdate']))?.[1];
  return { file: crlFile, number, revoked: revoked.length, nextUpdate: new Date(nextUpdate ?? Number.NaN) };
}
