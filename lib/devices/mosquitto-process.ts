import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IotpError } from '../errors.js';
import { repoRoot } from '../runtime/stack-env.js';

const run = promisify(execFile);

/** What happened when the broker was told to re-read its files. */
export type BrokerAction =
  /** SIGHUP sent to the Mosquitto of the pid file. */
  | { kind: 'reloaded'; pid: number }
  /** The local stack's Mosquitto was stopped and started again (scripts/stack/restart-mosquitto.sh). */
  | { kind: 'restarted' }
  /** No running Mosquitto to tell: MQTT_PID_FILE unset, missing, or its pid not a running mosquitto. */
  | { kind: 'none'; why: string };

/** The running Mosquitto's pid from its pid file, or why there is none. */
export function mosquittoPid(pidFile: string | undefined): { pid: number } | { why: string } {
  if (!pidFile) return { why: 'MQTT_PID_FILE is not set' };
  if (!existsSync(pidFile)) return { why: `${pidFile} does not exist` };
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return { why: `${pidFile} holds no pid` };
  // A recycled pid must not get the signal (SIGHUP ends most processes): check it is mosquitto.
  const comm = `/proc/${pid}/comm`;
  if (existsSync('/proc/self/comm')) {
    if (!existsSync(comm) || readFileSync(comm, 'utf8').trim() !== 'mosquitto')
      return { why: `pid ${pid} of ${pidFile} is not a running mosquitto` };
  }
  return { pid };
}

/**
 * Sends SIGHUP to the Mosquitto of `pidFile`: it re-reads its password and ACL files and rebuilds
 * the TLS context (CA file and CRL) of listeners with `crlfile` and `require_certificate`.
 */
export function reloadMosquitto(pidFile: string | undefined): BrokerAction {
  const found = mosquittoPid(pidFile);
  if (!('pid' in found)) return { kind: 'none', why: found.why };
  process.kill(found.pid, 'SIGHUP');
  return { kind: 'reloaded', pid: found.pid };
}

/**
 * Restarts the local stack's Mosquitto with scripts/stack/restart-mosquitto.sh (SIGTERM, then
 * up.sh): every connection is closed; persistent sessions survive (persistence true).
 */
export async function restartLocalMosquitto(): Promise<BrokerAction> {
  const script = join(repoRoot, 'scripts', 'stack', 'restart-mosquitto.sh');
  try {
    await run('bash', [script], { maxBuffer: 4 * 1024 * 1024 });
  } catch (cause) {
    const out = ((cause as { stderr?: string }).stderr ?? '').trim().split('\n').slice(-5).join('\n');
    throw new IotpError('DEVICES_RESTART_FAILED', `${script} failed:\n${out}`, { cause });
  }
  return { kind: 'restarted' };
}
