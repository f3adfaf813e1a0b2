/**
 * Device identity by per-device X.509 client certificates on the stack's device listener
 * (MQTTS_DEVICE_URL: require_certificate, use_identity_as_username, crlfile), provisioned and
 * revoked with `iotp devices` on the real Mosquitto:
 * - with its certificate a device publishes under its own id (the connector user receives it),
 *   under another id it gets PUBACK 0x87 and nobody receives it, whatever username it sends;
 * - a certificate the fleet CA did not sign is refused at the TLS handshake;
 * - `revoke` (CRL + SIGHUP) refuses the revoked certificate from the next handshake on, while a
 *   connection it already holds stays open; `revoke --restart-mosquitto` closes that one too and
 *   persistent sessions survive the restart;
 * - passwords: `add --password` lets the device log in on the password listener, `revoke` stops it;
 * - `iotp devices list --json` shows the states.
 * Device ids are random; revocations stay in the index (as they would in production).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddDeviceResult, DeviceListing, RevokeDevicesResult } from '../../lib/devices/index.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';
import { tlsHandshake } from '../helpers/tls-handshake.js';

const run = promisify(execFile);
const env = stackEnv();
const DEVICE_URL = env.MQTTS_DEVICE_URL as string;
const site = uniqueName('devcert-site');
const [devA, devB, devC, devD, devP] = ['a', 'b', 'c', 'd', 'p'].map((s) => uniqueName(`devcert-${s}`)) as [
  string,
  string,
  string,
  string,
  string,
];
const out = mkdtempSync(join(tmpdir(), 'iotp-devcert-'));
const serverCa = readFileSync(env.MQTT_CA as string);
const clients: MqttClient[] = [];
const received: { topic: string; payload: string }[] = [];
let subscriber: MqttClient;

async function iotp(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(join(repoRoot, 'bin', 'iotp'), ['devices', ...args], { timeout: 60_000 });
}

async function iotpFails(...args: string[]): Promise<string> {
  try {
    await iotp(...args);
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error(`iotp devices ${args.join(' ')} succeeded`);
}

async function addCert(deviceId: string): Promise<Extract<AddDeviceResult, { kind: 'certificate' }>> {
  const r = JSON.parse((await iotp('add', deviceId, '--out', join(out, deviceId), '--json')).stdout) as AddDeviceResult;
  if (r.kind !== 'certificate') throw new Error('expected a certificate');
  return r;
}

const certOf = (deviceId: string) => ({
  ca: serverCa,
  cert: readFileSync(join(out, deviceId, 'cert.pem')),
  key: readFileSync(join(out, deviceId, 'key.pem')),
});

async function connectDevice(deviceId: string, extra: IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(
    DEVICE_URL,
    {
      ...certOf(deviceId),
      clientId: deviceId,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...extra,
    },
    false,
  );
  clients.push(client);
  return client;
}

const reading = (deviceId: string) => `sensors/${site}/${deviceId}/environment`;
const payload = (n: number) => JSON.stringify({ temperature: n });

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms: ${what}`);
    await sleep(100);
  }
}

const closed = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

beforeAll(async () => {
  // The stack's connector user on the plain password listener reads everything under sensors/.
  subscriber = await mqtt.connectAsync(env.MQTT_AUTH_URL as string, {
    username: env.MQTT_USERNAME,
    password: env.MQTT_PASSWORD,
    protocolVersion: 5,
    clientId: uniqueName('devcert-sub'),
    reconnectPeriod: 500,
  });
  clients.push(subscriber);
  subscriber.on('message', (topic, message) => received.push({ topic, payload: message.toString() }));
  await subscriber.subscribeAsync(`sensors/${site}/#`, { qos: 1 });
});

afterAll(async () => {
  for (const c of clients) await c.endAsync(true).catch(() => undefined);
  // Revocations stay in the index; the one certificate still active is revoked here.
  await iotp('revoke', devA).catch(() => undefined);
  rmSync(out, { recursive: true, force: true });
});

describe('device identity by client certificate (MQTTS_DEVICE_URL)', () => {
  it('with its certificate a device publishes under its own id and the connector user receives it', async () => {
    const issued = await addCert(devA);
    expect(issued).toMatchObject({ deviceId: devA, url: DEVICE_URL });
    expect(issued.serial).toMatch(/^[0-9A-F]{32}$/);
    const device = await connectDevice(devA);
    await device.publishAsync(reading(devA), payload(21.5), { qos: 1 });
    await waitFor('the reading at the subscriber', () => received.some((m) => m.topic === reading(devA)));
    expect(received.find((m) => m.topic === reading(devA))?.payload).toBe(payload(21.5));
  });

  it("publishing under another device's id gets PUBACK 0x87 and reaches no subscriber, whatever username is sent", async () => {
    const device = await connectDevice(devA, { clientId: `${devA}-2`, username: devB, password: 'ignored' });
    await expect(device.publishAsync(reading(devB), payload(66), { qos: 1 })).rejects.toMatchObject({ code: 0x87 });
    // A later publish of its own on the same connection arrives: the refused one would have come first.
    await device.publishAsync(reading(devA), payload(22), { qos: 1 });
    await waitFor('the later own reading', () => received.some((m) => m.payload === payload(22)));
    expect(received.filter((m) => m.topic.includes(devB))).toEqual([]);
  });

  it('a certificate the fleet CA did not sign is refused at the TLS handshake', async () => {
    // The stack's other client certificate: signed by the test CA the TLS password listener trusts.
    const otherCa = {
      ca: serverCa,
      cert: readFileSync(env.MQTT_CLIENT_CERT as string),
      key: readFileSync(env.MQTT_CLIENT_KEY as string),
    };
    // An impostor: a self-signed certificate with the CN of a real device.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${devA}`,
        '-keyout',
        join(out, 'impostor.key'),
        '-out',
        join(out, 'impostor.pem'),
      ],
      { stdio: 'pipe' },
    );
    const impostor = {
      ca: serverCa,
      cert: readFileSync(join(out, 'impostor.pem')),
      key: readFileSync(join(out, 'impostor.key')),
    };
    for (const credentials of [otherCa, impostor]) {
      expect(await tlsHandshake(DEVICE_URL, credentials)).toMatchObject({
        accepted: false,
        code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
      });
      await expect(
        mqtt.connectAsync(DEVICE_URL, { ...credentials, protocolVersion: 5, reconnectPeriod: 0 }, false),
      ).rejects.toThrow();
    }
    expect(await tlsHandshake(DEVICE_URL, { ca: serverCa })).toMatchObject({ accepted: false });
    expect(await tlsHandshake(DEVICE_URL, certOf(devA))).toEqual({ accepted: true });
  });

  let stillOpen: MqttClient;

  it('a revoked certificate is refused from the next handshake on; a connection it already holds stays open', async () => {
    await addCert(devC);
    stillOpen = await connectDevice(devC);
    const result = JSON.parse(
      (await iotp('revoke', devC, '--reason', 'keyCompromise', '--json')).stdout,
    ) as RevokeDevicesResult;
    expect(result.broker.kind).toBe('reloaded');
    expect(result.crl?.revoked).toBeGreaterThanOrEqual(1);
    // SIGHUP is handled in Mosquitto's main loop: poll the first handshakes.
    await waitFor(
      'the revoked certificate refused',
      async () => !(await tlsHandshake(DEVICE_URL, certOf(devC))).accepted,
      10_000,
    );
    expect(await tlsHandshake(DEVICE_URL, certOf(devC))).toMatchObject({
      accepted: false,
      code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
    });
    await expect(connectDevice(devC, { clientId: `${devC}-again` })).rejects.toThrow();
    // Mosquitto 2.0.11 does not check open connections again on SIGHUP (docs/MOSQUITTO.md).
    expect(stillOpen.connected).toBe(true);
    await stillOpen.publishAsync(reading(devC), payload(1), { qos: 1 });
    // Other devices' certificates are unaffected.
    expect(await tlsHandshake(DEVICE_URL, certOf(devA))).toEqual({ accepted: true });
  });

  it('revoke --restart-mosquitto closes connections of revoked certificates; persistent sessions survive', async () => {
    await addCert(devD);
    const deviceD = await connectDevice(devD);
    const persistent = mqtt.connect(env.MQTT_AUTH_URL as string, {
      username: env.MQTT_USERNAME,
      password: env.MQTT_PASSWORD,
      protocolVersion: 5,
      clientId: uniqueName('devcert-persist'),
      clean: false,
      properties: { sessionExpiryInterval: 600 },
      reconnectPeriod: 300,
      resubscribe: false,
    });
    clients.push(persistent);
    const connacks: boolean[] = [];
    const kept: string[] = [];
    persistent.on('connect', (connack) => connacks.push(Boolean(connack.sessionPresent)));
    persistent.on('message', (topic, message) => topic === reading(devA) && kept.push(message.toString()));
    await waitFor('the persistent session', () => connacks.length === 1);
    await persistent.subscribeAsync(reading(devA), { qos: 1 });

    const closings = [closed(stillOpen), closed(deviceD)];
    const result = JSON.parse(
      (await iotp('revoke', devD, '--restart-mosquitto', '--json')).stdout,
    ) as RevokeDevicesResult;
    expect(result.broker).toEqual({ kind: 'restarted' });
    await Promise.all(closings);
    await expect(connectDevice(devD, { clientId: `${devD}-again` })).rejects.toThrow();
    await expect(connectDevice(devC, { clientId: `${devC}-again` })).rejects.toThrow();

    await waitFor('the persistent session back', () => connacks.length >= 2, 20_000);
    expect(connacks.at(-1)).toBe(true);
    // Its subscription is the session's (no resubscribe): a reading published now reaches it.
    const device = await connectDevice(devA, { clientId: `${devA}-3` });
    await device.publishAsync(reading(devA), payload(23), { qos: 1 });
    await waitFor('the reading in the kept session', () => kept.includes(payload(23)));
    await persistent.endAsync(false, { properties: { sessionExpiryInterval: 0 } });
  });

  it('passwords: add --password lets the device log in on the password listener, revoke stops it', async () => {
    const added = JSON.parse((await iotp('add', devP, '--password', '--json')).stdout) as AddDeviceResult;
    if (added.kind !== 'password') throw new Error('expected a password');
    const login = () =>
      mqtt
        .connectAsync(
          env.MQTT_AUTH_URL as string,
          {
            username: devP,
            password: added.password,
            protocolVersion: 5,
            reconnectPeriod: 0,
            clientId: `${devP}-probe`,
          },
          false,
        )
        .then(async (c) => {
          await c.publishAsync(reading(devP), payload(5), { qos: 1 });
          await c.endAsync();
          return true;
        })
        .catch(() => false);
    await waitFor('the password login', login);
    await iotp('revoke', devP);
    await waitFor('the password refused', async () => !(await login()));
  });

  it('iotp devices list --json shows each credential with its state; bad input names the argument', async () => {
    const listing = JSON.parse((await iotp('list', '--json')).stdout) as DeviceListing;
    const state = (id: string) => listing.devices.find((d) => d.deviceId === id)?.credentials;
    expect(state(devA)).toEqual([expect.objectContaining({ kind: 'certificate', state: 'active' })]);
    expect(state(devC)).toEqual([
      expect.objectContaining({ kind: 'certificate', state: 'revoked', reason: 'keyCompromise' }),
    ]);
    expect(state(devD)).toEqual([expect.objectContaining({ kind: 'certificate', state: 'revoked' })]);
    expect(state(devP)).toEqual([expect.objectContaining({ kind: 'password', state: 'revoked' })]);
    expect(state(devA)?.[0]?.serial).toMatch(/^[0-9A-F]{32}$/);
    expect(await iotpFails('add', `${devA}/x`)).toMatch(/<deviceId>: expected .* got ".*\/x"/);
    expect(await iotpFails('add', devA)).toMatch(/already has an active certificate/);
    expect(await iotpFails('revoke', devA, '--reason', 'lost')).toMatch(/--reason: expected one of/);
  });
});
