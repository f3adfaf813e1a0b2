import { IotpError } from '../errors.js';

/** Revocation reasons `iotp devices revoke --reason` accepts (RFC 5280 CRLReason names, as openssl writes them). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
] as const;

/** One of {@link REVOCATION_REASONS}. */
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** Longest certificate or CRL validity the command accepts, in days. */
export const MAX_DAYS = 3650;

function invalid(flag: string, expected: string, got: string): IotpError {
  return new IotpError('DEVICES_OPTION_INVALID', `${flag}: expected ${expected}, got ${JSON.stringify(got)}`, {
    context: { flag },
  });
}

/** A whole number of days from 1 to {@link MAX_DAYS} (`--days`). */
export function parseDays(text: string, flag = '--days'): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_DAYS)
    throw invalid(flag, `a whole number of days from 1 to ${MAX_DAYS}`, text);
  return n;
}

/** A revocation reason (`--reason`), matched without regard to case. */
export function parseReason(text: string, flag = '--reason'): RevocationReason {
  const found = REVOCATION_REASONS.find((r) => r.toLowerCase() === text.trim().toLowerCase());
  if (!found) throw invalid(flag, `one of ${REVOCATION_REASONS.join(', ')}`, text);
  return found;
}

/**
 * A certificate serial in hex (`--serial`), as `iotp devices list` or `openssl x509 -serial` print
 * it; colons and a `0x` prefix are allowed. Returned in the canonical form of {@link canonicalSerial}.
 */
export function parseSerial(text: string, flag = '--serial'): string {
  const hex = text.trim().replace(/^0x/i, '').replaceAll(':', '');
  if (!/^[0-9a-fA-F]{1,64}$/.test(hex))
    throw invalid(flag, 'a certificate serial in hex (as iotp devices list shows it)', text);
  return canonicalSerial(hex);
}

/** Upper-case hex without leading zeros (`00AB` and `ab` are the same serial). */
export function canonicalSerial(hex: string): string {
  const s = hex.toUpperCase().replace(/^0+/, '');
  return s === '' ? '0' : s;
}
