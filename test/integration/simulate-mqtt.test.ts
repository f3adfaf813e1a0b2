/**
 * `iotp simulate` against the stack's real Mosquitto: a subscriber (mqtt.js, `sensors/#`) sees
 * exactly the messages the simulator says it sent, byte for byte what the seeded model produces,
 * and the malformed payloads are exactly the ones the ground-truth file lists.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { createAnomalyInjector } from '../../sim/anomaly-injector.js';
import { createFleet } from '../../sim/fleet.js';
import { parseTruthLines, type TruthRecord } from '../../sim/ground-truth.js';
import { createMessageBuilder, type SimMessage } from '../../sim/message-builder.js';
import { removeMosquittoUsers } from '../../sim/mosquitto-users.js';
import type { SimulationSummary } from '../../sim/run-simulation.js';
import { createSchedule } from '../../sim/schedule.js';
import { resolveSimulationOptions, type SimulationFlags } from '../../sim/simulation-options.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const subscribers: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(subscribers.splice(0).map((c) => c.endAsync(true)));
});

interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** Subscribes to sensors/# and keeps the messages whose device/gateway id starts with `prefix`. */
async function subscribe(prefix: string): Promise<Received[]> {
  const client = await mqtt.connectAsync(env.MQTT_URL as string, { reconnectPeriod: 0, clean: true });
  subscribers.push(client);
  const received: Received[] = [];
  client.on('message', (topic, payload, packet) => {
    if (topic.split('/')[2]?.startsWith(`${prefix}-`))
      received.push({ topic, payload: payload.toString(), retain: packet.retain });
  });
  await client.subscribeAsync('sensors/#', { qos: 1 });
  return received;
}

/** Runs `./bin/iotp simulate <args> --json`; resolves with the summary, or the process if `kill` is set. */
function simulate(args: string[]): { done: Promise<SimulationSummary>; kill(): void; stderr(): string } {
  const child = spawn(join(repoRoot, 'bin', 'iotp'), ['simulate', ...args, '--json'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const done = new Promise<SimulationSummary>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(JSON.parse(out) as SimulationSummary);
      else reject(new Error(`iotp simulate exited with ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
  return { done, kill: () => child.kill('SIGKILL'), stderr: () => err };
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** The messages and truth the seeded model gives for the same flags, first `messages` messages. */
function rebuild(flags: SimulationFlags, messages: number): { expected: SimMessage[]; truth: TruthRecord[] } {
  const options = resolveSimulationOptions(flags, env);
  const fleet = createFleet(options);
  const startTs = options.startTs as number;
  const schedule = createSchedule({
    units: fleet.units.length,
    devices: fleet.devices.length,
    rate: options.rate,
    durationS: options.durationS,
    startTs,
  });
  const truth: TruthRecord[] = [];
  const onTruth = (r: TruthRecord) => truth.push(r);
  const injector = createAnomalyInjector({
    seed: options.seed,
    ratePerDeviceHour: options.anomalyRate,
    kinds: options.anomalyKinds,
    intervalMs: schedule.intervalMs,
    onTruth,
  });
  const builder = createMessageBuilder({ fleet, schedule, seed: options.seed, originTs: startTs, injector, onTruth });
  const expected: SimMessage[] = [];
  for (let k = 0; expected.length < messages && k < schedule.totalSlots; k++) {
    const m = builder.build(k);
    if (m) expected.push(m);
  }
  injector.flush();
  return { expected, truth };
}

const sortKey = (m: { topic: string; payload: string }) => `${m.topic} ${m.payload}`;

/** deviceId@ts@variant of every malformed reading in the received payloads. */
function malformedIn(readings: readonly Received[]): string[] {
  const out: string[] = [];
  for (const m of readings) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(m.payload);
    } catch {
      const ts = /"ts":(\d+)/.exec(m.payload)?.[1];
      const ids = [...m.payload.matchAll(/"deviceId":"([^"]+)"/g)].map((x) => x[1]);
      // A cut gateway batch: every leaf whose element starts in the text (the cut may hide the last).
      for (const id of ids.length > 0 ? ids : [m.topic.split('/')[2]]) out.push(`${id}@${ts}@invalid-json`);
      continue;
    }
    for (const r of (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[]) {
      for (const [name, v] of Object.entries(r)) {
        if (name === 'deviceId' || typeof v === 'number') continue;
        out.push(`${r.deviceId}@${r.ts}@${v === 'NaN' ? 'nan-string' : 'wrong-type'}`);
      }
    }
  }
  return out.sort();
}

describe('iotp simulate on the real Mosquitto', () => {
  it('publishes exactly the seeded readings, anomalies and malformed payloads its truth file lists', async () => {
    const prefix = uniqueName('simit');
    const dir = mkdtempSync(join(tmpdir(), 'iotp-sim-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const truthFile = join(dir, 'truth.jsonl');
    const startTs = String(Date.now());
    const flags = {
      devices: '300',
      sites: '4',
      rate: '300',
      duration: '4',
      seed: '42',
      qos: '1',
      anomalyRate: '720',
      anomalyKinds: 'all',
      devicePrefix: prefix,
      startTs,
    };
    const received = await subscribe(prefix);
    const run = simulate([
      ...Object.entries(flags).flatMap(([k, v]) => [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v]),
      '--truth',
      truthFile,
      '--clear-retained',
    ]);
    const summary = await run.done;
    const isReading = (m: Received) => !m.topic.endsWith('/status');
    await until(
      () =>
        received.filter(isReading).length >= summary.messages.sent &&
        received.filter((m) => !isReading(m)).length >= summary.statusMessages,
    );
    const readings = received.filter(isReading);
    const statuses = received.filter((m) => !isReading(m));

    expect(summary.errors).toBe(0);
    expect(summary.messages.acked).toBe(summary.messages.sent);
    expect(summary.messages.sent).toBeGreaterThan(1000);
    expect(readings).toHaveLength(summary.messages.sent);

    // Byte for byte what the seeded model gives for the same flags.
    const { expected, truth } = rebuild(flags, summary.messages.sent);
    expect(readings.map(sortKey).sort()).toEqual(expected.map(sortKey).sort());

    // Topics sensors/<site>/<deviceId>/<type>; payloads {deviceId, ts, <the type's fields>}.
    const fields: Record<string, string[]> = {
      environment: ['deviceId', 'ts', 'temperature', 'humidity', 'pressure'],
      power: ['deviceId', 'ts', 'voltage', 'current', 'power', 'energy'],
    };
    let wellFormed = 0;
    for (const m of readings) {
      const [root, site, id, type] = m.topic.split('/');
      expect(root).toBe('sensors');
      expect(site).toMatch(/^site-0[1-4]$/);
      expect(id).toMatch(new RegExp(`^${prefix}-\\d{6}$`));
      expect(Object.keys(fields)).toContain(type);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(m.payload);
      } catch {
        continue;
      }
      expect(Object.keys(parsed)).toEqual(fields[type as string]);
      expect(parsed.deviceId).toBe(id);
      expect(parsed.ts).toBeGreaterThanOrEqual(Number(startTs));
      if (Object.values(parsed).every((v, i) => i === 0 || typeof v === 'number')) wellFormed++;
    }
    expect(wellFormed).toBeGreaterThan(readings.length * 0.9);

    // The truth file: what the model injected, every kind present, counted in the summary.
    const written = parseTruthLines(readFileSync(truthFile, 'utf8'));
    expect(written).toEqual(truth);
    expect(summary.anomalies.total).toBe(written.length);
    expect(new Set(written.map((t) => t.kind))).toEqual(
      new Set(['SPIKE', 'DIP', 'LEVEL_SHIFT', 'STUCK', 'DRIFT', 'NOISE_BURST', 'MISSING', 'MALFORMED']),
    );
    for (const t of written) expect(t.deviceId.startsWith(`${prefix}-`)).toBe(true);

    // Malformed payloads on the wire are exactly the MALFORMED lines of the truth file.
    const listed = written
      .filter((t) => t.kind === 'MALFORMED')
      .map((t) => `${t.deviceId}@${t.startTs}@${t.variant}`)
      .sort();
    expect(listed.length).toBeGreaterThan(5);
    expect(malformedIn(readings)).toEqual(listed);
    expect(summary.readings.malformed).toBe(listed.length);

    // Silent devices: no reading of theirs inside a MISSING range.
    const sent = new Set(readings.map((m) => `${m.topic.split('/')[2]}@${/"ts":(\d+)/.exec(m.payload)?.[1]}`));
    for (const t of written.filter((w) => w.kind === 'MISSING'))
      expect(sent.has(`${t.deviceId}@${t.startTs}`)).toBe(false);

    // Status: one retained ONLINE per device and simulator client, then each cleared (--clear-retained).
    const online = statuses.filter((m) => m.payload.includes('"ONLINE"'));
    expect(online).toHaveLength(300 + summary.clients);
    expect(new Set(online.map((m) => m.topic)).size).toBe(300 + summary.clients);
    const cleared = statuses.filter((m) => m.payload === '');
    expect(new Set(cleared.map((m) => m.topic))).toEqual(new Set(online.map((m) => m.topic)));
  });

  it('gateways with per-device credentials: arrays of leaf readings through the ACL, Last Will OFFLINE on kill -9', async () => {
    const passwdFile = env.MQTT_PASSWD_FILE as string;
    const pidFile = env.MQTT_PID_FILE as string;
    const prefix = uniqueName('simgw');
    const gateways = Array.from({ length: 20 }, (_, g) => `${prefix}-gw-${String(g).padStart(5, '0')}`);
    const received = await subscribe(prefix);
    onTestFinished(async () => {
      removeMosquittoUsers(gateways, { passwdFile, pidFile });
      // Leave no retained status behind in the shared broker.
      const cleaner = await mqtt.connectAsync(env.MQTT_URL as string, { reconnectPeriod: 0 });
      const topics = new Set(received.filter((m) => m.topic.endsWith('/status')).map((m) => m.topic));
      for (const topic of topics) await cleaner.publishAsync(topic, '', { qos: 1, retain: true });
      await cleaner.endAsync();
    });

    const run = simulate([
      '--devices',
      '200',
      '--gateway-size',
      '10',
      '--sites',
      '2',
      '--rate',
      '400',
      '--duration',
      '0',
      '--per-device-credentials',
      '--device-prefix',
      prefix,
      '--types',
      'environment',
    ]);
    const isReading = (m: Received) => !m.topic.endsWith('/status');
    await until(() => received.filter(isReading).length >= 100, 60_000);
    run.kill();
    await expect(run.done).rejects.toThrow(/SIGKILL/);
    await until(() => received.filter((m) => m.payload.includes('"OFFLINE"')).length >= 20);

    const readings = received.filter(isReading);
    expect(readings.length).toBeGreaterThanOrEqual(100);
    for (const m of readings) {
      const [, site, gatewayId, type] = m.topic.split('/');
      expect(gateways).toContain(gatewayId);
      expect(site).toMatch(/^site-0[12]$/);
      expect(type).toBe('environment');
      const batch = JSON.parse(m.payload) as Array<Record<string, unknown>>;
      expect(Array.isArray(batch)).toBe(true);
      expect(batch).toHaveLength(10);
      for (const r of batch) expect(String(r.deviceId).startsWith(`${gatewayId}.`)).toBe(true);
    }
    // Each gateway announced itself ONLINE, and the broker published its Last Will after the kill.
    const byStatus = (s: string) =>
      new Set(received.filter((m) => m.topic.endsWith('/status') && m.payload.includes(`"${s}"`)).map((m) => m.topic));
    expect(new Set([...byStatus('ONLINE')].map((t) => t.split('/')[2]))).toEqual(new Set(gateways));
    expect(byStatus('OFFLINE')).toEqual(byStatus('ONLINE'));
  });
});
