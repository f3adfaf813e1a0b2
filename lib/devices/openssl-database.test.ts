import { describe, expect, it } from 'vitest';
import {
  asn1Time,
  crlNumberFileText,
  parseCrlNumber,
  renderCaConfig,
  renderOpensslDatabase,
  subjectValue,
} from './openssl-database.js';

describe('openssl ca database', () => {
  it('times: UTCTime until 2049, GeneralizedTime from 2050', () => {
    expect(asn1Time(new Date('2026-12-03T07:05:09Z'))).toBe('261203070509Z');
    expect(asn1Time(new Date('2050-01-01T00:00:00Z'))).toBe('20500101000000Z');
  });

  it('one R line per revoked certificate: expiry, revocation time and reason, even-length serial, subject', () => {
    const text = renderOpensslDatabase([
      {
        kind: 'certificate',
        deviceId: 'dev\\1',
        serial: 'ABC',
        issuedAt: '2026-12-01T00:00:00Z',
        notAfter: '2027-12-01T00:00:00Z',
        fingerprint: '',
        revokedAt: '2026-12-03T07:05:09Z',
        reason: 'keyCompromise',
      },
      {
        kind: 'certificate',
        deviceId: 'dev-2',
        serial: '7A',
        issuedAt: '2026-12-01T00:00:00Z',
        notAfter: '2027-12-01T00:00:00Z',
        fingerprint: '',
        revokedAt: '2026-12-03T07:05:09Z',
        reason: 'unspecified',
      },
    ]);
    expect(text).toBe(
      'R\t271201000000Z\t261203070509Z,keyCompromise\t0ABC\tunknown\t/CN=dev\\\\1\n' +
        'R\t271201000000Z\t261203070509Z\t7A\tunknown\t/CN=dev-2\n',
    );
  });

  it('escapes -subj separators', () => {
    expect(subjectValue('a/b+c\\d=e')).toBe('a\\/b\\+c\\\\d=e');
  });

  it('CRL numbers: parsed from openssl crl, written as even-length hex', () => {
    expect(parseCrlNumber('crlNumber=0x0A\n')).toBe(10);
    expect(parseCrlNumber('crlNumber=<NONE>\n')).toBeUndefined();
    expect(crlNumberFileText(10)).toBe('0A\n');
    expect(crlNumberFileText(256)).toBe('0100\n');
  });

  it('the ca config names the database and the number file', () => {
    expect(renderCaConfig('./index.txt', './crlnumber')).toContain('database = ./index.txt\ncrlnumber = ./crlnumber\n');
  });
});
