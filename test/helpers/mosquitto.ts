import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { stackEnv } from './stack.js';

/**
 * Adds (or updates) an MQTT user in the stack's Mosquitto password file and makes Mosquitto reload
 * it (SIGHUP). With the stack's ACL a device's username is its deviceId.
 */
export async function addMqttUser(username: string, password: string): Promise<void> {
  const env = stackEnv();
  const file = env.MQTT_PASSWD_FILE;
  const pidFile = env.MQTT_PID_FILE;
  if (!file || !pidFile) throw new Error('MQTT_PASSWD_FILE / MQTT_PID_FILE missing from .stack/env');
  execFileSync('mosquitto_passwd', ['-b', file, username, password]);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  process.kill(pid, 'SIGHUP');
  await sleep(300);
}
