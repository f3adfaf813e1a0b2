import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { connectAsync } from 'mqtt';
import { IotpError } from '../lib/errors.js';

const run = promisify(execFile);

export interface MosquittoUsersOptions {
  /** Mosquitto's password_file (MQTT_PASSWD_FILE). */
  passwdFile: string;
  /** Mosquitto's pid file (MQTT_PID_FILE): it gets a SIGHUP to reload the file. */
  pidFile: string;
  /** Path of the `mosquitto_passwd` tool (default: from PATH). */
  mosquittoPasswd?: string;
}

export interface MqttUser {
  username: string;
  password: string;
}

/**
 * Adds (or replaces) many users in Mosquitto's password file in one batch: the plain-text lines are
 * hashed by one `mosquitto_passwd -U` run (PBKDF2-SHA512, as `-b` would), merged into the file
 * (other users kept), the file replaced atomically, and Mosquitto told once with a SIGHUP. One
 * `mosquitto_passwd -b` per user would start a process per device. Returns the time taken.
 *
 * @example
 *   await addMosquittoUsers([{ username: 'sim-000001', password: 's3cret' }], { passwdFile, pidFile });
 *   await waitForMqttLogin(url, 'sim-000001', 's3cret', 10_000);
 */
export async function addMosquittoUsers(users: readonly MqttUser[], options: MosquittoUsersOptions): Promise<number> {
  const started = performance.now();
  for (const u of users)
    if (u.username.includes(':') || /[\r\n]/.test(u.username + u.password))
      throw new IotpError('SIM_BAD_MQTT_USER', `MQTT user '${u.username}': names may not contain ':' or newlines`);
  const scratch = `${options.passwdFile}.sim-${process.pid}-${Date.now()}`;
  writeFileSync(scratch, users.map((u) => `${u.username}:${u.password}\n`).join(''), { mode: 0o600 });
  try {
    await run(options.mosquittoPasswd ?? 'mosquitto_passwd', ['-U', scratch]);
    const hashed = readFileSync(scratch, 'utf8');
    const names = new Set(users.map((u) => u.username));
    replacePasswdFile(options.passwdFile, (line) => !names.has(userOf(line)), hashed);
  } catch (cause) {
    throw new IotpError('SIM_MQTT_USERS_FAILED', `could not add ${users.length} users to ${options.passwdFile}`, {
      cause,
      context: { passwdFile: options.passwdFile },
    });
  } finally {
    rmSync(scratch, { force: true });
  }
  reloadMosquitto(options.pidFile);
  return performance.now() - started;
}

/** Removes users from the password file and reloads Mosquitto (their next login fails). */
export function removeMosquittoUsers(usernames: readonly string[], options: MosquittoUsersOptions): void {
  const names = new Set(usernames);
  replacePasswdFile(options.passwdFile, (line) => !names.has(userOf(line)), '');
  reloadMosquitto(options.pidFile);
}

/**
 * Waits until `username` can log in: Mosquitto reloads the password file asynchronously after a
 * SIGHUP, so the first connect right after it may still be refused.
 */
export async function waitForMqttLogin(
  url: string,
  username: string,
  password: string,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  let last: unknown;
  while (performance.now() - started < timeoutMs) {
    try {
      const client = await connectAsync(url, {
        username,
        password,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
        clientId: `${username}-probe-${process.pid}`,
      });
      await client.endAsync();
      return performance.now() - started;
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new IotpError(
    'SIM_MQTT_LOGIN_TIMEOUT',
    `user '${username}' still cannot log in to ${url} after ${timeoutMs} ms`,
    {
      cause: last,
      context: { url, username },
    },
  );
}

function userOf(line: string): string {
  const colon = line.indexOf(':');
  return colon < 0 ? line : line.slice(0, colon);
}

function replacePasswdFile(file: string, keep: (line: string) => boolean, append: string): void {
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && keep(line));
  const text = kept.map((l) => `${l}\n`).join('') + append;
  const next = `${file}.sim-${process.pid}-new`;
  writeFileSync(next, text, { mode: 0o600 });
  chmodSync(next, 0o600);
  renameSync(next, file);
}

function reloadMosquitto(pidFile: string): void {
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0)
    throw new IotpError('SIM_MOSQUITTO_PID', `no Mosquitto pid in ${pidFile}`, { context: { pidFile } });
  process.kill(pid, 'SIGHUP');
}
