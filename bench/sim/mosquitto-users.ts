/**
 * How long creating per-device MQTT users takes for the stack's Mosquitto.
 *
 *   node_modules/.bin/tsx bench/sim/mosquitto-users.ts [--users 10000] [--sample-b 200]
 *
 * Batched (what `iotp simulate --per-device-credentials` does): one `mosquitto_passwd -U` over a
 * plain-text file of all users, merged into the live password file, one SIGHUP, then the time until
 * the last user can log in. For comparison, `mosquitto_passwd -b` once per user on a scratch copy
 * (a sample of --sample-b users, extrapolated). The users are removed again at the end.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { addMosquittoUsers, removeMosquittoUsers, waitForMqttLogin } from '../../sim/mosquitto-users.js';

const { values } = parseArgs({
  options: { users: { type: 'string', default: '10000' }, 'sample-b': { type: 'string', default: '200' } },
});
const env = loadStackEnv();
const passwdFile = env.MQTT_PASSWD_FILE as string;
const pidFile = env.MQTT_PID_FILE as string;
const url = env.MQTT_AUTH_URL as string;
const n = Number(values.users);
const prefix = `benchusr${Date.now().toString(36)}`;
const users = Array.from({ length: n }, (_, i) => ({ username: `${prefix}-${i}`, password: 'bench-secret' }));

const batchMs = await addMosquittoUsers(users, { passwdFile, pidFile });
const last = users[n - 1] as { username: string; password: string };
const loginMs = await waitForMqttLogin(url, last.username, last.password, 60_000);
const removeStart = performance.now();
removeMosquittoUsers(
  users.map((u) => u.username),
  { passwdFile, pidFile },
);
const removeMs = performance.now() - removeStart;

const sample = Number(values['sample-b']);
const dir = mkdtempSync(join(tmpdir(), 'iotp-passwd-'));
const scratch = join(dir, 'passwd');
copyFileSync(passwdFile, scratch);
const t0 = performance.now();
for (let i = 0; i < sample; i++) execFileSync('mosquitto_passwd', ['-b', scratch, `${prefix}-b${i}`, 'bench-secret']);
const perUserB = (performance.now() - t0) / sample;
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    users: n,
    batchedMs: Math.round(batchMs),
    loginReadyAfterSighupMs: Math.round(loginMs),
    removeMs: Math.round(removeMs),
    perUserDashBMs: Math.round(perUserB * 10) / 10,
    extrapolatedDashBForAllMs: Math.round(perUserB * n),
  })}\n`,
);
