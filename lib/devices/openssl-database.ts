import type { RevokedCertificate } from './device-index.js';

/**
 * An ASN.1 time as `openssl ca` writes it in its database: UTCTime `YYMMDDHHMMSSZ` for the years
 * 1950-2049, GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise (RFC 5280 4.1.2.5).
 */
export function asn1Time(date: Date): string {
  const year = date.getUTCFullYear();
  const two = (n: number) => String(n).padStart(2, '0');
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return year >= 1950 && year < 2050 ? `${two(year % 100)}${rest}` : `${String(year).padStart(4, '0')}${rest}`;
}

/** Escapes a value for openssl's `-subj /CN=...` syntax (a backslash escapes the next character). */
export function subjectValue(value: string): string {
  return value.replace(/[\\/+]/g, (c) => `\\${c}`);
}

/**
 * The `index.txt` database `openssl ca -gencrl` reads, holding the revoked certificates only (the
 * CRL lists nothing else): one tab-separated line per certificate, `R`, expiry, revocation time
 * with its reason, serial (even number of hex digits), file name, subject.
 */
export function renderOpensslDatabase(revoked: readonly RevokedCertificate[]): string {
  return revoked
    .map((c) => {
      const serial = c.serial.length % 2 === 0 ? c.serial : `0${c.serial}`;
      const when = asn1Time(new Date(c.revokedAt));
      const reason = c.reason && c.reason !== 'unspecified' ? `,${c.reason}` : '';
      return `R\t${asn1Time(new Date(c.notAfter))}\t${when}${reason}\t${serial}\tunknown\t/CN=${subjectValue(c.deviceId)}\n`;
    })
    .join('');
}

/** The `openssl ca` configuration for `-gencrl`: the database and CRL number files, SHA-256, the CA's key id. */
export function renderCaConfig(databaseFile: string, crlNumberFile: string): string {
  return [
    '[ca]',
    'default_ca = fleet',
    '[fleet]',
    `database = ${databaseFile}`,
    `crlnumber = ${crlNumberFile}`,
    'default_md = sha256',
    'crl_extensions = crl_ext',
    '[crl_ext]',
    'authorityKeyIdentifier = keyid:always',
    '',
  ].join('\n');
}

/** The CRL number `openssl crl -noout -crlnumber` prints (`crlNumber=0x0A`), or undefined when it has none. */
export function parseCrlNumber(output: string): number | undefined {
  const m = /crlNumber=(?:0x)?([0-9A-Fa-f]+)/.exec(output);
  return m?.[1] ? Number.parseInt(m[1], 16) : undefined;
}

/** A CRL number in the form of openssl's `crlnumber` file: hex with an even number of digits. */
export function crlNumberFileText(n: number): string {
  const hex = n.toString(16).toUpperCase();
  return `${hex.length % 2 === 0 ? hex : `0${hex}`}\n`;
}
