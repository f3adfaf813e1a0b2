import { describe, expect, it } from 'vitest';
import {
  activeCredential,
  type CertificateCredential,
  credentialState,
  type DeviceIndex,
  emptyIndex,
  parseDeviceIndex,
  revokeCredentials,
  revokedCertificates,
  withCredential,
} from './device-index.js';
import { formatDeviceTable, listDevices } from './list-devices.js';

const now = new Date('2026-12-03T10:00:00Z');
const cert = (serial: string, notAfter = '2027-12-03T10:00:00.000Z'): CertificateCredential => ({
  kind: 'certificate',
  serial,
  issuedAt: '2026-12-01T10:00:00.000Z',
  notAfter,
  fingerprint: 'AA:BB',
});

function sample(): DeviceIndex {
  let index = emptyIndex();
  index = withCredential(index, 'dev-b', cert('0B'));
  index = withCredential(index, 'dev-a', cert('0A'));
  index = withCredential(index, 'dev-a', { kind: 'password', addedAt: '2026-12-02T10:00:00.000Z' });
  index = withCredential(index, 'dev-old', cert('0C', '2026-01-01T00:00:00.000Z'));
  return index;
}

describe('device index', () => {
  it('appends credentials per device without changing the original', () => {
    const a = emptyIndex();
    const b = withCredential(a, 'dev-a', cert('0A'));
    expect(a.devices).toEqual([]);
    expect(b.devices).toEqual([{ deviceId: 'dev-a', credentials: [cert('0A')] }]);
  });

  it('states: active, expired past notAfter, revoked once revokedAt is set', () => {
    const index = sample();
    expect(activeCredential(index, 'dev-a', 'certificate', now)).toMatchObject({ serial: '0A' });
    expect(activeCredential(index, 'dev-old', 'certificate', now)).toBeUndefined();
    expect(credentialState(cert('0C', '2026-01-01T00:00:00.000Z'), now)).toBe('expired');
    expect(credentialState({ ...cert('0A'), revokedAt: now.toISOString() }, now)).toBe('revoked');
  });

  it('revokes the selected kinds of each device, all or nothing', () => {
    const { index, revoked } = revokeCredentials(
      sample(),
      ['dev-a', 'dev-b'],
      { kinds: ['certificate'], reason: 'keyCompromise' },
      now,
    );
    expect(revoked.map((r) => [r.deviceId, r.credential.kind])).toEqual([
      ['dev-a', 'certificate'],
      ['dev-b', 'certificate'],
    ]);
    expect(activeCredential(index, 'dev-a', 'password', now)).toBeDefined();
    expect(revokedCertificates(index).map((c) => [c.deviceId, c.serial, c.reason, c.revokedAt])).toEqual([
      ['dev-b', '0B', 'keyCompromise', now.toISOString()],
      ['dev-a', '0A', 'keyCompromise', now.toISOString()],
    ]);
    // Revoking again: nothing left of that kind, and the index passed in is unchanged.
    expect(() => revokeCredentials(index, ['dev-b'], { kinds: ['certificate'] }, now)).toThrow(
      "device 'dev-b' has no unrevoked certificate",
    );
    expect(() => revokeCredentials(sample(), ['dev-a', 'nobody'], { kinds: [] }, now)).toThrow(
      "<deviceId>: 'nobody' is not in the device index",
    );
  });

  it('revokes one certificate by serial; every kind when none is named', () => {
    const bySerial = revokeCredentials(sample(), ['dev-a'], { kinds: ['certificate'], serial: 'A' }, now);
    expect(bySerial.revoked).toHaveLength(1);
    expect(() => revokeCredentials(sample(), ['dev-a'], { kinds: ['certificate'], serial: 'FF' }, now)).toThrow(
      'no unrevoked certificate with serial FF',
    );
    const all = revokeCredentials(sample(), ['dev-a'], { kinds: [] }, now);
    expect(all.revoked.map((r) => r.credential.kind)).toEqual(['certificate', 'password']);
  });

  it('parses what it writes and names the file and field of a bad one', () => {
    const index = sample();
    expect(parseDeviceIndex(JSON.stringify(index), 'devices.json')).toEqual(index);
    expect(() => parseDeviceIndex('{', 'f.json')).toThrow(/^f\.json: not JSON/);
    expect(() =>
      parseDeviceIndex(
        JSON.stringify({ version: 1, devices: [{ deviceId: 'x', credentials: [{ kind: 'psk' }] }] }),
        'f.json',
      ),
    ).toThrow(/^f\.json: devices\.0\.credentials\.0\.kind/);
  });

  it('lists devices in id order with their states, as JSON and as a table', () => {
    const listing = listDevices(revokeCredentials(sample(), ['dev-b'], { kinds: [] }, now).index, now);
    expect(listing.devices.map((d) => [d.deviceId, d.credentials.map((c) => `${c.kind}:${c.state}`)])).toEqual([
      ['dev-a', ['certificate:active', 'password:active']],
      ['dev-b', ['certificate:revoked']],
      ['dev-old', ['certificate:expired']],
    ]);
    const table = formatDeviceTable(listing).split('\n');
    expect(table[0]).toMatch(/^DEVICE +CREDENTIAL +STATE +SERIAL +EXPIRES +REVOKED$/);
    expect(table[3]).toMatch(/^dev-b +certificate +revoked +0B +2027-12-03T10:00:00\.000Z +2026-12-03T10:00:00\.000Z$/);
    expect(formatDeviceTable({ devices: [] })).toMatch(/^no devices/);
  });
});
