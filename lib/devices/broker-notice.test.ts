import { describe, expect, it } from 'vitest';
import { brokerNotice } from './broker-notice.js';
import { replacePasswdUser } from './mosquitto-passwd.js';

describe('what iotp devices says about the broker', () => {
  it('after a SIGHUP: new handshakes see the CRL, open connections need a restart', () => {
    const text = brokerNotice({ kind: 'reloaded', pid: 42 }, ['certificate-revoked']).join(' ');
    expect(text).toContain('pid 42');
    expect(text).toContain('--restart-mosquitto');
  });

  it('with no local broker: what the operator of another broker must do', () => {
    const text = brokerNotice(
      { kind: 'none', why: 'MQTT_PID_FILE is not set' },
      ['certificate-revoked'],
      '/x/crl.pem',
    ).join(' ');
    expect(text).toContain('MQTT_PID_FILE is not set');
    expect(text).toContain('install /x/crl.pem as its CRL file');
    expect(text).toContain('SIGHUP');
  });

  it('after a restart: one line', () => {
    expect(brokerNotice({ kind: 'restarted' }, ['certificate-revoked'])).toHaveLength(1);
  });
});

describe('password file lines', () => {
  it('replaces one user and keeps the others', () => {
    expect(replacePasswdUser('a:1\nb:2\n\nab:3\n', 'a', 'a:9\n')).toBe('b:2\nab:3\na:9\n');
    expect(replacePasswdUser('a:1\n', 'a')).toBe('');
  });
});
