import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { IotpError } from '../errors.js';

const run = promisify(execFile);

/** The user a line of Mosquitto's password file (`user:hash`) is for. */
export function passwdUser(line: string): string {
  const colon = line.indexOf(':');
  return colon < 0 ? line : line.slice(0, colon);
}

/** The file's text without `username`'s line, plus `append` (hashed `user:hash` lines). */
export function replacePasswdUser(text: string, username: string, append = ''): string {
  const kept = text.split('\n').filter((line) => line.trim() !== '' && passwdUser(line) !== username);
  return kept.map((l) => `${l}\n`).join('') + append;
}

function replaceFile(file: string, text: string): void {
  const next = `${file}.next-${process.pid}`;
  writeFileSync(next, text, { mode: 0o600 });
  chmodSync(next, 0o600);
  renameSync(next, file);
}

/**
 * Sets `username`'s password in Mosquitto's password file: the plain line is hashed by
 * `mosquitto_passwd -U` in a scratch file (so the password is never on a command line), then
 * merged in, the file replaced atomically. Mosquitto reads it again on SIGHUP.
 */
export async function setMosquittoPassword(passwdFile: string, username: string, password: string): Promise<void> {
  const scratch = `${passwdFile}.device-${process.pid}`;
  writeFileSync(scratch, `${username}:${password}\n`, { mode: 0o600 });
  try {
    await run('mosquitto_passwd', ['-U', scratch]);
    const hashed = readFileSync(scratch, 'utf8');
    const current = existsSync(passwdFile) ? readFileSync(passwdFile, 'utf8') : '';
    replaceFile(passwdFile, replacePasswdUser(current, username, hashed));
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new IotpError(
      'DEVICES_PASSWD_FAILED',
      missing
        ? "the 'mosquitto_passwd' command is not installed: apt-get install -y mosquitto"
        : `could not set the password of '${username}' in ${passwdFile}: ${(cause as Error).message}`,
      { cause },
    );
  } finally {
    rmSync(scratch, { force: true });
  }
}

/** Removes `username` from the password file; false when it was not there. */
export function removeMosquittoUser(passwdFile: string, username: string): boolean {
  if (!existsSync(passwdFile)) return false;
  const current = readFileSync(passwdFile, 'utf8');
  if (!current.split('\n').some((line) => passwdUser(line) === username)) return false;
  replaceFile(passwdFile, replacePasswdUser(current, username));
  return true;
}
