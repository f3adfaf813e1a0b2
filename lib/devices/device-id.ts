import { IotpError } from '../errors.js';

/** Longest device id: a certificate's CN holds at most 64 characters (X.520 ub-common-name). */
export const DEVICE_ID_MAX_LENGTH = 64;

/**
 * Ids under this prefix belong to the stack's service users (`iotp-connector`, `iotp-simulator`):
 * a device with such an id would get their ACL entries (read or write all of `sensors/#`), or
 * overwrite their password.
 */
export const RESERVED_ID_PREFIX = 'iotp-';

const EXPECTED =
  `1 to ${DEVICE_ID_MAX_LENGTH} characters, a valid MQTT topic level and Mosquitto username ` +
  `(no + # / :, no control characters, no leading or trailing space, not starting with '${RESERVED_ID_PREFIX}')`;

/** Why `id` cannot be a device id (it becomes a topic level, a Mosquitto username and a certificate CN), or undefined. */
export function deviceIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'it is empty';
  if (Buffer.from(id, 'utf8').toString('utf8') !== id) return 'it is not valid UTF-8 (a lone surrogate)';
  if ([...id].length > DEVICE_ID_MAX_LENGTH) return `it has ${[...id].length} characters`;
  const wildcard = /[+#/]/.exec(id);
  if (wildcard) return `'${wildcard[0]}' is an MQTT wildcard or level separator`;
  if (id.includes(':')) return "':' separates the username in Mosquitto's password file";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  const control = /[\u0000-\u001f\u007f]/.exec(id);
  if (control) return `it contains the control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')}`;
  if (id.trim() !== id) return 'it starts or ends with white space';
  if (id.startsWith(RESERVED_ID_PREFIX)) return `'${RESERVED_ID_PREFIX}' ids are the stack's service users`;
  return undefined;
}

/**
 * Returns `id` when it is a valid device id; otherwise throws DEVICE_ID_INVALID naming `what` (the
 * argument or flag it came from), what is expected and what is wrong.
 */
export function validateDeviceId(id: string, what = '<deviceId>'): string {
  const problem = deviceIdProblem(id);
  if (problem === undefined) return id;
  throw new IotpError('DEVICE_ID_INVALID', `${what}: expected ${EXPECTED}, got ${JSON.stringify(id)} (${problem})`, {
    context: { deviceId: id },
  });
}

/**
 * A directory name for a device's files: letters, digits, `_` and `-` kept, every other UTF-8 byte
 * written `%XX` (so `.`, `..` and `%` cannot reach the file system as themselves).
 */
export function deviceDirName(id: string): string {
  let out = '';
  for (const ch of id) {
    if (/^[A-Za-z0-9_-]$/.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
