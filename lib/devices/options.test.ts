import { describe, expect, it } from 'vitest';
import { canonicalSerial, parseDays, parseReason, parseSerial } from './options.js';

describe('iotp devices options', () => {
  it('--days: whole days from 1 to 3650', () => {
    expect(parseDays('365')).toBe(365);
    expect(parseDays(' 1 ')).toBe(1);
    for (const bad of ['0', '3651', '1.5', 'abc', '', '-3'])
      expect(() => parseDays(bad)).toThrow(/^--days: expected a whole number of days from 1 to 3650, got/);
    expect(() => parseDays('x', 'FLEET_CRL_DAYS')).toThrow(/^FLEET_CRL_DAYS: /);
  });

  it('--reason: a CRL reason, any case', () => {
    expect(parseReason('keycompromise')).toBe('keyCompromise');
    expect(() => parseReason('stolen')).toThrow(
      /^--reason: expected one of unspecified, keyCompromise, .*got "stolen"/,
    );
  });

  it('--serial: hex with optional colons or 0x, canonical upper case without leading zeros', () => {
    expect(parseSerial('7a:d4:2c')).toBe('7AD42C');
    expect(parseSerial('0x007AD4')).toBe('7AD4');
    expect(() => parseSerial('xyz')).toThrow(/^--serial: expected a certificate serial in hex/);
    expect(canonicalSerial('000')).toBe('0');
  });
});
