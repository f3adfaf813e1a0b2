import { IotpError } from '../../lib/errors.js';

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * Parses a NAB timestamp (`2014-07-01 00:00:00`, optionally with `.ffffff`) as UTC epoch ms.
 * NAB timestamps carry no zone; reading them all as UTC keeps their order and spacing.
 *
 * @example parseNabTimestamp('2014-02-19 10:50:00.000000') // 1392807000000
 */
export function parseNabTimestamp(text: string): number {
  const m = PATTERN.exec(text.trim());
  if (m === null) {
    throw new IotpError('NAB_BAD_TIMESTAMP', `not a NAB timestamp (expected YYYY-MM-DD HH:MM:SS): "${text}"`);
  }
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac === undefined ? 0 : Math.floor(Number(frac.padEnd(6, '0')) / 1000);
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

/** Formats epoch ms back in NAB's layout (`2014-07-01 00:00:00`, UTC). */
export function formatNabTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
