import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/runtime/free-port.js';
import { stackEnv } from '../helpers/stack.js';
import { waitUntil as until } from '../helpers/wait.js';

/**
 * The stack's broker (scripts/stack/install-mosquitto.sh: 2.0.21 with the patches of
 * scripts/stack/patches) keeps a durable client's *shared* subscription across a restart, so the
 * MQTT source's persistent session is queued for while the broker restarts and the source
 * reconnects. Debian's 2.0.11 (and upstream's file persistence to this day) forgets it: the session
 * comes back present with no subscription, and what devices publish meanwhile is acknowledged and
 * dropped. Each test runs a broker of its own, with the stack's persistence settings.
 */
describe('Mosquitto restart with a durable shared subscription', () => {
  const brokers: ChildProcess[] = [];
  const clients: MqttClient[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.end(true);
    for (const b of brokers.splice(0)) if (b.exitCode === null) b.kill('SIGKILL');
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const binary = () => {
    const bin = stackEnv().MQTT_BROKER_BIN;
    if (!bin) throw new Error('MQTT_BROKER_BIN missing from .stack/env: run make stack-up');
    return bin;
  };

  async function broker(port: number, dir: string): Promise<ChildProcess> {
    const child = spawn(binary(), ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    brokers.push(child);
    await until('broker accepts connections', async () => {
      const c = await connect(port, `probe-${Date.now()}`, true).catch(() => undefined);
      c?.client.end(true);
      return c !== undefined;
    });
    return child;
  }

  function connect(
    port: number,
    clientId: string,
    clean: boolean,
    onMessage?: (topic: string, payload: Buffer) => void,
  ): Promise<{ client: MqttClient; sessionPresent: boolean }> {
    return new Promise((resolve, reject) => {
      const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
        clientId,
        clean,
        protocolVersion: 5,
        properties: { sessionExpiryInterval: 3600 },
        reconnectPeriod: 0,
        connectTimeout: 2000,
      });
      // Before CONNACK: queued messages may arrive in the same read as the CONNACK.
      if (onMessage) client.on('message', onMessage);
      client.once('connect', (ack) => {
        clients.push(client);
        resolve({ client, sessionPresent: ack.sessionPresent });
      });
      client.once('error', reject);
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });
  }

  async function publish(port: number, label: string, count: number): Promise<void> {
    const { client } = await connect(port, `pub-${label}-${Date.now()}`, true);
    for (let i = 0; i < count; i++)
      await client.publishAsync(`sensors/s1/d${i}/environment`, `${label}-${i}`, { qos: 1 });
    client.end();
  }

  async function setup(autosaveSeconds: number) {
    const dir = mkdtempSync(join(tmpdir(), 'iotp-mosquitto-'));
    dirs.push(dir);
    const port = await freePort();
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      [
        'per_listener_settings true',
        `user ${userInfo().username}`,
        'persistence true',
        `persistence_location ${dir}/`,
        `autosave_interval ${autosaveSeconds}`,
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        '',
      ].join('\n'),
    );
    let child = await broker(port, dir);
    const first = await connect(port, 'iotp-source-test', false);
    await first.client.subscribeAsync('$share/iotp/sensors/#', { qos: 1 });
    first.client.end();
    return {
      port,
      restart: async (signal: 'SIGTERM' | 'SIGKILL') => {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill(signal);
        await exited;
        child = await broker(port, dir);
      },
    };
  }

  it('queues for the member while it is offline after a SIGTERM restart, and delivers after it reconnects', async () => {
    const { port, restart } = await setup(30);
    await restart('SIGTERM');
    await publish(port, 'offline', 20);

    const got: string[] = [];
    const again = await connect(port, 'iotp-source-test', false, (_t, p) => got.push(p.toString()));
    expect(again.sessionPresent).toBe(true);
    // No SUBSCRIBE: the restored subscription alone must deliver.
    await until('the 20 queued readings arrive', () => got.length >= 20);
    await publish(port, 'online', 20);
    await until('the 20 later readings arrive', () => got.length >= 40);
    await sleep(300);
    expect(got.filter((p) => p.startsWith('offline')).sort()).toEqual(
      [...Array(20).keys()].map((i) => `offline-${i}`).sort(),
    );
    expect(got.filter((p) => p.startsWith('online'))).toHaveLength(20);
  });

  it('keeps the subscription across a kill -9 once an autosave has written it', async () => {
    const { port, restart } = await setup(1);
    await sleep(2500); // at least one autosave after the SUBSCRIBE
    await restart('SIGKILL');
    await publish(port, 'offline', 10);

    const got: string[] = [];
    const again = await connect(port, 'iotp-source-test', false, (_t, p) => got.push(p.toString()));
    expect(again.sessionPresent).toBe(true);
    await until('the 10 queued readings arrive', () => got.length >= 10);
    expect(new Set(got).size).toBe(10);
  });
});
