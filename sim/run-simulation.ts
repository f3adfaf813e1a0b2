import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { silentLogger } from '../lib/runtime/log.js';
import { createAnomalyInjector } from './anomaly-injector.js';
import { createFleet, type PublishUnit } from './fleet.js';
import { createMessageBuilder } from './message-builder.js';
import { addMosquittoUsers, removeMosquittoUsers, waitForMqttLogin } from './mosquitto-users.js';
import { connectMqttClientPool, type MqttClientPool, type SimClientSpec } from './mqtt-client-pool.js';
import { statusPayload, statusTopic } from './payload.js';
import { type PublishStats, runPublishLoop } from './publish-loop.js';
import { createSchedule } from './schedule.js';
import type { SimulationOptions } from './simulation-options.js';
import { createTruthWriter } from './truth-writer.js';

export interface SimulationDeps {
  /** Wall clock (ms): paces the run and stamps event times. */
  now(): number;
  sleep(ms: number): Promise<void>;
  log?: Logger;
  /** Aborting (SIGINT) ends the run cleanly: stop sending, wait for acks, mark devices OFFLINE. */
  signal?: AbortSignal;
  onProgress?(stats: PublishStats): void;
}

/**
 * What a run did. `readings.acked` is what the broker took (QoS 1: PUBACKed; QoS 0: written to
 * the socket); `anomalies` counts ground-truth records by kind.
 *
 * @example
 *   { "devices": 5000, "rate": 2500, "achievedRate": 2498.7, "readings": { "sent": 150000, "acked": 150000, ... } }
 */
export interface SimulationSummary {
  devices: number;
  units: number;
  gateways: number;
  sites: number;
  types: string[];
  clients: number;
  qos: 0 | 1;
  seed: number;
  rate: number;
  durationS: number;
  /** Event time of the first slot and of the last slot built, epoch ms. */
  startTs: number;
  endTs: number;
  elapsedMs: number;
  /** Readings acked per second of the publishing phase. */
  achievedRate: number;
  messages: { sent: number; acked: number };
  readings: { due: number; sent: number; acked: number; malformed: number };
  errors: number;
  firstError?: string;
  maxBehind: number;
  reconnects: number;
  anomalies: { total: number; byKind: Record<string, number> };
  truthFile?: string;
  connectMs: number;
  credentials?: { users: number; ms: number; loginReadyMs: number };
  statusMessages: number;
}

/**
 * One simulator run against a real broker: create per-device users if asked, connect, announce
 * every device ONLINE (retained), publish the schedule with anomalies, write the ground truth,
 * then mark devices OFFLINE (or clear the retained status), disconnect and summarise.
 *
 * @example
 *   const summary = await runSimulation(resolveSimulationOptions(flags, loadStackEnv()), {
 *     now: Date.now, sleep: (ms) => setTimeout(ms),
 *   });
 */
export async function runSimulation(options: SimulationOptions, deps: SimulationDeps): Promise<SimulationSummary> {
  const log = deps.log ?? silentLogger();
  const fleet = createFleet(options);
  const startTs = options.startTs ?? deps.now();
  const schedule = createSchedule({
    units: fleet.units.length,
    devices: fleet.devices.length,
    rate: options.rate,
    durationS: options.durationS,
    startTs,
  });
  const truth = createTruthWriter(options.truthFile);
  const injector = createAnomalyInjector({
    seed: options.seed,
    ratePerDeviceHour: options.anomalyRate,
    kinds: options.anomalyKinds,
    intervalMs: schedule.intervalMs,
    onTruth: (r) => truth.write(r),
  });
  const builder = createMessageBuilder({
    fleet,
    schedule,
    seed: options.seed,
    originTs: startTs,
    injector,
    onTruth: (r) => truth.write(r),
    topicRoot: options.topicRoot,
  });

  let credentials: SimulationSummary['credentials'];
  const perDevice = options.perDeviceCredentials;
  if (perDevice && options.passwdFile && options.pidFile) {
    const users = fleet.units.map((u) => ({ username: u.clientId, password: options.devicePassword }));
    log.info({ users: users.length }, 'creating per-device MQTT users');
    const ms = await addMosquittoUsers(users, { passwdFile: options.passwdFile, pidFile: options.pidFile });
    const last = users[users.length - 1] as { username: string; password: string };
    const loginReadyMs = await waitForMqttLogin(options.url, last.username, last.password, 15_000);
    credentials = { users: users.length, ms: Math.round(ms), loginReadyMs: Math.round(loginReadyMs) };
  }

  const runId = randomBytes(3).toString('hex');
  const firstSite = fleet.sites[0] as string;
  const specs: SimClientSpec[] = perDevice
    ? fleet.units.map((u) => ({
        clientId: u.clientId,
        username: u.clientId,
        password: options.devicePassword,
        ...(options.status ? { will: will(options.topicRoot, u.site, u.clientId, deps.now()) } : {}),
      }))
    : Array.from({ length: Math.min(options.clients, fleet.units.length) }, (_, c) => {
        const clientId = `${options.devicePrefix}-simulator-${runId}-${c}`;
        return {
          clientId,
          ...(options.username ? { username: options.username } : {}),
          ...(options.password ? { password: options.password } : {}),
          ...(options.status ? { will: will(options.topicRoot, firstSite, clientId, deps.now()) } : {}),
        };
      });
  const clientOf = (u: PublishUnit) => (perDevice ? u.index : u.index % specs.length);

  const connectStarted = deps.now();
  log.info({ url: options.url, clients: specs.length }, 'connecting');
  const pool = await connectMqttClientPool({
    url: options.url,
    specs,
    protocolVersion: options.protocolVersion,
    ...(options.caFile ? { caFile: options.caFile } : {}),
  });
  const connectMs = deps.now() - connectStarted;

  // Status topics: every unit's, and in shared mode each client's own (its Last Will's topic).
  const statusTargets: Array<{ client: number; site: string; id: string }> = fleet.units.map((u) => ({
    client: clientOf(u),
    site: u.site,
    id: u.clientId,
  }));
  if (!perDevice)
    for (const [c, s] of specs.entries()) statusTargets.push({ client: c, site: firstSite, id: s.clientId });

  let stats: PublishStats | undefined;
  let statusMessages = 0;
  try {
    if (options.status) {
      statusMessages += await publishAll(pool, options, deps, statusTargets, (t) =>
        statusPayload(t.id, t.site, 'ONLINE', deps.now()),
      );
    }
    log.info({ devices: fleet.devices.length, rate: options.rate, durationS: options.durationS }, 'publishing');
    stats = await runPublishLoop({
      schedule,
      builder,
      publish: (m, done) => pool.publish(clientOf(m.unit), m.topic, m.payload, options.qos, false, done),
      now: deps.now,
      sleep: deps.sleep,
      maxInFlight: options.maxInFlight,
      progressEveryMs: 250,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    });
    injector.flush();
    if (options.status) {
      statusMessages += await publishAll(pool, options, deps, statusTargets, (t) =>
        options.clearRetained ? '' : statusPayload(t.id, t.site, 'OFFLINE', deps.now()),
      );
    }
  } finally {
    await pool.close();
    await truth.close();
    if (perDevice && options.removeCredentials && options.passwdFile && options.pidFile)
      removeMosquittoUsers(
        fleet.units.map((u) => u.clientId),
        { passwdFile: options.passwdFile, pidFile: options.pidFile },
      );
  }

  const s = stats;
  const lastSlot = Math.max(0, s.slots - 1);
  const summary: SimulationSummary = {
    devices: fleet.devices.length,
    units: fleet.units.length,
    gateways: fleet.units.filter((u) => u.gateway).length,
    sites: fleet.sites.length,
    types: options.types,
    clients: specs.length,
    qos: options.qos,
    seed: options.seed,
    rate: options.rate,
    durationS: options.durationS,
    startTs,
    endTs: schedule.tsOf(lastSlot),
    elapsedMs: s.elapsedMs,
    achievedRate: s.elapsedMs > 0 ? Math.round((s.readingsAcked * 10_000) / s.elapsedMs) / 10 : 0,
    messages: { sent: s.messagesSent, acked: s.messagesAcked },
    readings: {
      due: readingsIn(fleet.units, schedule.unitOf, s.due),
      sent: s.readingsSent,
      acked: s.readingsAcked,
      malformed: s.malformedSent,
    },
    errors: s.errors,
    maxBehind: s.maxBehind,
    reconnects: pool.reconnects,
    anomalies: { total: truth.count, byKind: { ...truth.byKind } },
    connectMs,
    statusMessages,
  };
  if (s.firstError) summary.firstError = s.firstError;
  if (options.truthFile) summary.truthFile = options.truthFile;
  if (credentials) summary.credentials = credentials;
  return summary;
}

function will(root: string, site: string, id: string, ts: number): { topic: string; payload: string } {
  return { topic: statusTopic(site, id, root), payload: statusPayload(id, site, 'OFFLINE', ts) };
}

/** Readings the schedule had due in its first `due` slots (gateways carry several). */
function readingsIn(units: readonly PublishUnit[], unitOf: (k: number) => number, due: number): number {
  if (units.every((u) => u.devices.length === 1)) return due;
  const perRound = units.reduce((n, u) => n + u.devices.length, 0);
  let n = Math.floor(due / units.length) * perRound;
  for (let k = due - (due % units.length); k < due; k++) n += (units[unitOf(k)] as PublishUnit).devices.length;
  return n;
}

/** Publishes one retained QoS 1 message per target with at most `maxInFlight` unacked. */
async function publishAll<T extends { client: number; site: string; id: string }>(
  pool: MqttClientPool,
  { maxInFlight, topicRoot }: Pick<SimulationOptions, 'maxInFlight' | 'topicRoot'>,
  deps: Pick<SimulationDeps, 'sleep'>,
  targets: readonly T[],
  payload: (t: T) => string,
): Promise<number> {
  let inFlight = 0;
  let acked = 0;
  for (const t of targets) {
    while (inFlight >= maxInFlight) await deps.sleep(1);
    inFlight += 1;
    pool.publish(t.client, statusTopic(t.site, t.id, topicRoot), payload(t), 1, true, (error) => {
      inFlight -= 1;
      if (!error) acked += 1;
    });
  }
  while (inFlight > 0) await deps.sleep(1);
  return acked;
}
