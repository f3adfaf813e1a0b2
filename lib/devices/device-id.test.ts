import { describe, expect, it } from 'vitest';
import { DEVICE_ID_MAX_LENGTH, deviceDirName, deviceIdProblem, validateDeviceId } from './device-id.js';

describe('device ids', () => {
  it('accepts topic-level-safe names, including non-ASCII and inner spaces', () => {
    for (const id of ['dev-1', 'sensor_07', 'Kühlraum 3', 'a.b', '$x', 'x'.repeat(DEVICE_ID_MAX_LENGTH)]) {
      expect(deviceIdProblem(id), id).toBeUndefined();
      expect(validateDeviceId(id)).toBe(id);
    }
  });

  it.each([
    ['', /empty/],
    ['a/b', /'\/' is an MQTT wildcard or level separator/],
    ['a+b', /'\+'/],
    ['a#', /'#'/],
    ['a:b', /password file/],
    ['a\u0000b', /U\+0000/],
    ['a\nb', /U\+000a/],
    [' a', /white space/],
    ['iotp-connector', /service users/],
    ['x'.repeat(DEVICE_ID_MAX_LENGTH + 1), /65 characters/],
    ['a\ud800', /UTF-8/],
  ])('refuses %j', (id, why) => {
    expect(deviceIdProblem(id)).toMatch(why);
  });

  it('names the argument, what is expected and what was given', () => {
    expect(() => validateDeviceId('a/b')).toThrow(/^<deviceId>: expected 1 to 64 characters, .*got "a\/b" \('\/'/);
    expect(() => validateDeviceId('a#', '--device')).toThrow(/^--device: expected/);
  });

  it('directory names keep safe characters and encode the rest, dots included', () => {
    expect(deviceDirName('dev-1_A')).toBe('dev-1_A');
    expect(deviceDirName('..')).toBe('%2E%2E');
    expect(deviceDirName('a b%')).toBe('a%20b%25');
    expect(deviceDirName('ü')).toBe('%C3%BC');
  });
});
