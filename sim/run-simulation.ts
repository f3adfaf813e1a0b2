import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { silentLogger } from '../lib/runtime/log.js';
import { createAnomalyInjector } from './anomaly-injector.js';
import { answerCommands } from './answer-commands.js';
import { createFleet, type PublishUnit } from './fleet.js';
import type { TruthRecord } from './ground-truth.js';
import { checkHistoryBounds } from './history-bounds.js';
import { type HistoryStats, runHistoryLoop } from './history-loop.js';
import { createHistorySchedule } from './history-schedule.js';
import { createMessageBuilder } from './message-builder.js';
import { addMosquittoUsers, removeMosquittoUsers, waitForMqttLogin } from './mosquitto-users.js';
import { connectMqttClientPool, type MqttClientPool, type SimClientSpec } from './mqtt-client-pool.js';
import { statusPayload, statusTopic } from './payload.js';
import { type PublishStats, runPublishLoop } from './publish-loop.js';
import { createSchedule, type Schedule } from './schedule.js';
import type { SimulationOptions } from './simulation-options.js';
import type { HistorySummary, SimulationSummary } from './simulation-summary.js';
import { createTruthWriter } from './truth-writer.js';

export type { HistorySummary, LiveSummary, SimulationSummary } from './simulation-summary.js';

export interface SimulationDeps {
  /** Wall clock (ms): paces the run and stamps event times. */
  now(): number;
  sleep(ms: number): Promise<void>;
  log?: Logger;
  /** Aborting (SIGINT) ends the run cleanly: stop sending, wait for acks, mark devices OFFLINE. */
  signal?: AbortSignal;
  /** Progress of the live phase. */
  onProgress?(stats: PublishStats): void;
  /** Progress of the history phase (`historyMs` > 0), before any live progress. */
  onHistoryProgress?(stats: HistoryStats): void;
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
  const now0 = deps.now();
  // The live part starts at --start-ts, or at the wall clock once the history has caught up with it.
  const plannedLiveTs = options.startTs ?? now0;
  const historyStartTs = options.historyMs > 0 ? plannedLiveTs - options.historyMs : undefined;
  if (historyStartTs !== undefined) checkHistoryBounds(historyStartTs, plannedLiveTs, now0);
  // Drift and counters measure from the fleet's origin: history and live are one series per device.
  const originTs = historyStartTs ?? plannedLiveTs;
  const liveSchedule = (startTs: number): Schedule =>
    createSchedule({
      units: fleet.units.length,
      devices: fleet.devices.length,
      rate: options.rate,
      durationS: options.durationS,
      startTs,
    });
  let schedule = liveSchedule(plannedLiveTs);
  const truth = createTruthWriter(options.truthFile);
  let liveStartTs: number | undefined;
  const byPhase: { history: Record<string, number>; live: Record<string, number> } = { history: {}, live: {} };
  const onTruth = (r: TruthRecord) => {
    truth.write(r);
    const live = historyStartTs === undefined || (liveStartTs !== undefined && r.startTs >= liveStartTs);
    const counts = live ? byPhase.live : byPhase.history;
    counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  };
  const injector = createAnomalyInjector({
    seed: options.seed,
    ratePerDeviceHour: options.anomalyRate,
    kinds: options.anomalyKinds,
    intervalMs: historyStartTs === undefined ? schedule.intervalMs : options.historyIntervalMs,
    ...(options.anomalyWarmupMs > 0 ? { notBeforeTs: originTs + options.anomalyWarmupMs } : {}),
    onTruth,
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
  const responder = options.answerCommands
    ? await answerCommands(pool, fleet.units, clientOf, options.commandTopic, deps.now, log)
    : undefined;

  // Status topics: every unit's, and in shared mode each client's own (its Last Will's topic).
  const statusTargets: Array<{ client: number; site: string; id: string }> = fleet.units.map((u) => ({
    client: clientOf(u),
    site: u.site,
    id: u.clientId,
  }));
  if (!perDevice)
    for (const [c, s] of specs.entries()) statusTargets.push({ client: c, site: firstSite, id: s.clientId });

  let stats: PublishStats | undefined;
  let historyStats: HistoryStats | undefined;
  let historyLastTs: number | undefined;
  let historyCaughtUp = true;
  let statusMessages = 0;
  try {
    if (options.status) {
      statusMessages += await publishAll(pool, options, deps, statusTargets, (t) =>
        statusPayload(t.id, t.site, 'ONLINE', deps.now()),
      );
    }
    const publish = (m: { unit: PublishUnit; topic: string; payload: string }, done: (error?: Error) => void) =>
      pool.publish(clientOf(m.unit), m.topic, m.payload, options.qos, false, done);
    if (historyStartTs !== undefined) {
      const historySchedule = createHistorySchedule({
        units: fleet.units.length,
        startTs: historyStartTs,
        intervalMs: options.historyIntervalMs,
      });
      const planned = historySchedule.roundsBefore(plannedLiveTs);
      const fixedEnd = options.startTs;
      log.info(
        { devices: fleet.devices.length, rounds: planned, intervalMs: options.historyIntervalMs },
        'publishing history',
      );
      historyStats = await runHistoryLoop({
        schedule: historySchedule,
        builder: createMessageBuilder({
          fleet,
          schedule: historySchedule,
          seed: options.seed,
          originTs,
          injector,
          onTruth,
          topicRoot: options.topicRoot,
        }),
        publish,
        readingsPerRound: fleet.devices.length,
        endTs: fixedEnd === undefined ? deps.now : () => fixedEnd,
        catchUp: fixedEnd === undefined,
        // Catching up with the clock: at most twice the rounds asked for (a fleet the broker cannot
        // take at devices/interval readings/s would never catch up).
        maxRounds: fixedEnd === undefined ? 2 * planned + 1 : planned,
        now: deps.now,
        sleep: deps.sleep,
        maxInFlight: options.maxInFlight,
        progressEveryMs: 250,
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.onHistoryProgress ? { onProgress: deps.onHistoryProgress } : {}),
      });
      historyLastTs = historySchedule.tsOf(Math.max(0, historyStats.rounds - 1) * fleet.units.length);
      historyCaughtUp = fixedEnd !== undefined || historyStats.rounds < 2 * planned + 1;
      injector.setInterval(schedule.intervalMs);
    }
    liveStartTs = options.startTs ?? Math.max(deps.now(), historyLastTs === undefined ? 0 : historyLastTs + 1);
    schedule = liveSchedule(liveStartTs);
    const builder = createMessageBuilder({
      fleet,
      schedule,
      seed: options.seed,
      originTs,
      injector,
      onTruth,
      topicRoot: options.topicRoot,
    });
    log.info({ devices: fleet.devices.length, rate: options.rate, durationS: options.durationS }, 'publishing');
    stats = await runPublishLoop({
      schedule,
      builder,
      publish,
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
  const h = historyStats;
  const lastSlot = Math.max(0, s.slots - 1);
  const liveDue = readingsIn(fleet.units, schedule.unitOf, s.due);
  const historyDue = h ? h.rounds * fleet.devices.length : 0;
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
    startTs: historyStartTs ?? schedule.tsOf(0),
    endTs: schedule.tsOf(lastSlot),
    elapsedMs: s.elapsedMs,
    achievedRate: perSecond(s.readingsAcked, s.elapsedMs),
    messages: { sent: s.messagesSent + (h?.messagesSent ?? 0), acked: s.messagesAcked + (h?.messagesAcked ?? 0) },
    readings: {
      due: liveDue + historyDue,
      sent: s.readingsSent + (h?.readingsSent ?? 0),
      acked: s.readingsAcked + (h?.readingsAcked ?? 0),
      malformed: s.malformedSent + (h?.malformedSent ?? 0),
    },
    errors: s.errors + (h?.errors ?? 0),
    maxBehind: s.maxBehind,
    reconnects: pool.reconnects,
    anomalies: { total: truth.count, byKind: { ...truth.byKind } },
    connectMs,
    statusMessages,
    live: {
      startTs: schedule.tsOf(0),
      endTs: schedule.tsOf(lastSlot),
      intervalMs: schedule.intervalMs,
      readings: { due: liveDue, sent: s.readingsSent, acked: s.readingsAcked, malformed: s.malformedSent },
      messages: { sent: s.messagesSent, acked: s.messagesAcked },
      errors: s.errors,
    },
  };
  const firstError = h?.firstError ?? s.firstError;
  if (firstError) summary.firstError = firstError;
  if (h && historyStartTs !== undefined) {
    summary.history = historySummary(h, {
      startTs: historyStartTs,
      lastTs: historyLastTs ?? historyStartTs,
      requestedMs: options.historyMs,
      intervalMs: options.historyIntervalMs,
      devices: fleet.devices.length,
      liveStartTs: schedule.tsOf(0),
      caughtUp: historyCaughtUp,
    });
    summary.anomalies.history = byPhase.history;
    summary.anomalies.live = byPhase.live;
  }
  if (options.truthFile) summary.truthFile = options.truthFile;
  if (credentials) summary.credentials = credentials;
  if (responder) summary.commands = { ...responder.stats };
  return summary;
}

function perSecond(n: number, ms: number): number {
  return ms > 0 ? Math.round((n * 10_000) / ms) / 10 : 0;
}

function historySummary(
  h: HistoryStats,
  x: {
    startTs: number;
    lastTs: number;
    requestedMs: number;
    intervalMs: number;
    devices: number;
    liveStartTs: number;
    caughtUp: boolean;
  },
): HistorySummary {
  const out: HistorySummary = {
    startTs: x.startTs,
    endTs: x.lastTs,
    requestedMs: x.requestedMs,
    intervalMs: x.intervalMs,
    rounds: h.rounds,
    readings: { due: h.rounds * x.devices, sent: h.readingsSent, acked: h.readingsAcked, malformed: h.malformedSent },
    messages: { sent: h.messagesSent, acked: h.messagesAcked },
    errors: h.errors,
    elapsedMs: h.elapsedMs,
    achievedRate: perSecond(h.readingsAcked, h.elapsedMs),
    gapMs: x.liveStartTs - x.lastTs,
    caughtUp: x.caughtUp,
  };
  if (h.firstError) out.firstError = h.firstError;
  return out;
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
