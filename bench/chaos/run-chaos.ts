import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipelineDataTopics } from '../../demo/collect.js';
import { runSimulatorProcess } from '../../demo/simulator-process.js';
import { registryClientFrom } from '../../lib/clients/registry.js';
import { type LoadedPipelineConfig, loadPipelineConfig } from '../../lib/config/index.js';
import { createKafkaClient, groupLag, kafkaConfigFromEnv, totalLag } from '../../lib/kafka/index.js';
import type { Admin } from '../../lib/kafka/types.js';
import { createPipelineTopics, registerPipelineSchemas } from '../../lib/pipeline/index.js';
import { silentLogger } from '../../lib/runtime/log.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import type { SimulationSummary } from '../../sim/run-simulation.js';
import { ChaosWorkers } from './chaos-workers.js';
import { drain } from './drain.js';
import { executePlan, type FaultRecord } from './execute-plan.js';
import { publishedReadings } from './expected-readings.js';
import { baselineLag, faultImpacts } from './fault-impact.js';
import { influxCount } from './influx-points.js';
import { LagSampler } from './lag-sampler.js';
import { closedByLoadTarget, closeTarget, type LoadSpec, simulationArgs, startTsWithBoundaryAt } from './load.js';
import { type FaultPlan, planConflicts } from './plan.js';
import { type ChaosReport, failuresOf } from './report.js';
import { startOffsets } from './run-records.js';
import { mosquittoSetting, restoreStack, stackDir } from './stack-control.js';
import { verifyRun } from './verify-run.js';

export interface ChaosOptions {
  plan: FaultPlan;
  devices: number;
  rate: number;
  seed: number;
  anomalyRate: number;
  /** A group has recovered when its lag is under this many seconds of input. */
  recoverSeconds: number;
  /** The command line, for the report. */
  command: string;
  say(text: string): void;
}

/** Settings every worker of a chaos run gets on top of the stack's. */
const WORKER_SETTINGS = {
  // a killed replica's partitions move after 10 s, not the clients' 30-45 s (as the kill tests do)
  IOTP_STREAMS__SESSION_TIMEOUT: '10s',
  IOTP_SINK__SESSION_TIMEOUT: '10s',
  MQTT_CLIENT_ID: 'iotp-chaos-source',
  LOG_LEVEL: 'info',
};
/** The aggregate restarted for the drain: quiet partitions let stream time move after 5 s. */
const DRAIN_IDLE_TIMEOUT = '5s';
/**
 * Seconds past the load's end the simulator may take to have every reading acked (it waits 30 s for
 * PUBACKs). Past them it is taken as hung: an MQTT client that is not connected when the simulator
 * closes it waits for its unacked QoS 1 messages for ever (mqtt.js end() without force).
 */
const SIMULATOR_GRACE_S = 120;

/** The simulator's summary, or an error once `deadline` (ms epoch) has passed. */
async function simulatorDone(simulation: Promise<SimulationSummary>, deadline: number): Promise<SimulationSummary> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the simulator had not finished ${SIMULATOR_GRACE_S} s after the load's end (unacked readings on a client that did not reconnect?)`,
          ),
        ),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([simulation, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A chaos run: the pipeline's workers as processes, `iotp simulate` at a steady rate with
 * per-device credentials, the fault plan carried out meanwhile, consumer lag sampled every second;
 * then the pipeline drains and what it produced is checked against what Mosquitto acknowledged.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const conflicts = planConflicts(o.plan);
  if (conflicts.length > 0) throw new Error(`the plan undoes itself: ${conflicts.join('; ')}`);
  const startedAt = new Date();
  const runDir = join(stackDir(), 'chaos', startedAt.toISOString().replaceAll(':', '-'));
  mkdirSync(runDir, { recursive: true });
  const env: Record<string, string> = { ...loadStackEnv(), ...WORKER_SETTINGS };
  const config = loadPipelineConfig({ env });
  o.say(`run dir ${runDir}; creating topics and registering schemas (iotp setup)`);
  await createPipelineTopics(config, env);
  await registerPipelineSchemas(config);
  const client = createKafkaClient({
    ...kafkaConfigFromEnv(env, { clientId: 'iotp-chaos' }),
    logger: silentLogger(),
  });
  const admin = client.admin();
  await admin.connect();
  const workers = new ChaosWorkers(runDir, env, 'chaos', o.say);
  try {
    o.say('starting the workers (mqtt-source, aggregate, detect, sink), one process each');
    await workers.startAll();
    const groups = consumerGroups(config);
    await waitNoLag(admin, groups, o.say);
    const { raw, windows } = pipelineDataTopics(config);
    const t = config.kafka.topics;
    const from = await startOffsets(admin, [...raw, ...windows, t.anomalies, t.dlq, config.streams.lateTopic]);

    const load = loadSpec(o, env, config);
    o.say(
      `load: ${load.devices} devices (${load.devicePrefix}-*), ${load.rate} readings/s for ${load.seconds} s, event time from ${new Date(load.startTs).toISOString()}`,
    );
    let progress = { acked: 0, at: Date.now(), perS: 0 };
    let markStart: (t0: number) => void = () => {};
    const started = new Promise<number>((resolve) => {
      markStart = resolve;
    });
    const simulation = runSimulatorProcess(simulationArgs(load), env, (p) => {
      progress = { acked: p.acked, at: Date.now(), perS: p.elapsedS > 0 ? p.acked / p.elapsedS : 0 };
      markStart(Date.now() - p.elapsedS * 1000);
    });
    const t0 = await Promise.race([started, simulation.then(() => Date.now())]);
    const sampler = new LagSampler({
      admin,
      groups,
      rawTopics: raw,
      // between two progress lines (1 s apart): at the average rate, for at most 1.5 s, never past the run's total
      acked: () =>
        Math.min(
          load.rate * load.seconds,
          Math.round(progress.acked + (progress.perS * Math.min(1500, Date.now() - progress.at)) / 1000),
        ),
      t0,
    });
    await sampler.start();
    const ticker = setInterval(() => {
      const s = sampler.latest();
      if (s)
        o.say(
          `t=${Math.round(s.t)}s lag ${Object.entries(s.lag)
            .map(([g, l]) => `${shortGroup(g)} ${l ?? '?'}`)
            .join(', ')}`,
        );
    }, 10_000);
    let records: FaultRecord[];
    let summary: SimulationSummary;
    try {
      records = await executePlan(o.plan, { workers, t0, say: o.say });
      // a server a fault could not bring back would hold the simulator (and the drain) forever
      if (records.some((r) => r.error)) await restoreStack();
      summary = await simulatorDone(simulation, t0 + (load.seconds + SIMULATOR_GRACE_S) * 1000);
    } finally {
      clearInterval(ticker);
    }
    o.say(
      `simulator done: ${summary.readings.acked}/${summary.readings.sent} readings acked, ${summary.errors} errors, ${summary.reconnects} reconnects`,
    );

    const published = publishedReadings(load, env);
    // (a loop: Math.max(...array) overflows the stack past ~120k readings)
    const lastTs = published.readings.reduce((m, r) => Math.max(m, r.ts), Number.NEGATIVE_INFINITY);
    const target = o.plan.closeLastWindows
      ? closeTarget(lastTs, config.streams.windows, 5 * 60_000)
      : closedByLoadTarget(lastTs, config.streams.windows);
    if (o.plan.closeLastWindows) {
      o.say(`restarting the aggregate with streams.idleTimeout ${DRAIN_IDLE_TIMEOUT} so the last windows close`);
      await workers.stopRole('aggregate');
      const { ready } = await workers.addReplica('aggregate', { IOTP_STREAMS__IDLE_TIMEOUT: DRAIN_IDLE_TIMEOUT });
      await ready.catch((error: unknown) => o.say(`the drain's aggregate was not ready: ${String(error)}`));
    } else
      o.say(
        `checking the windows closed by ${new Date(target).toISOString()} (the last reading: ${new Date(lastTs).toISOString()}); the later ones stay open`,
      );
    const intervalMs = (load.devices * 1000) / load.rate;
    const drained = await drain({
      sampler,
      influxPoints: async () => {
        let n = 0;
        for (const r of config.readingRoutes) n += await influxCount(influxAccess(env), r.type, load.devicePrefix);
        return n;
      },
      expected: published.readings.length,
      notBefore: o.plan.closeLastWindows ? Date.now() + Math.max(5_000, target - lastTs + intervalMs) + 10_000 : 0,
      timeoutMs: 15 * 60_000,
      say: o.say,
    });
    await sampler.stop();
    const endT = (Date.now() - t0) / 1000;

    const verdicts = await verifyRun({
      config,
      client,
      admin,
      registry: registryClientFrom(config),
      influx: influxAccess(env),
      from,
      devicePrefix: load.devicePrefix,
      acked: published.readings,
      closedBefore: target,
      say: o.say,
    });
    const threshold = Math.round(o.recoverSeconds * o.rate);
    const impacts = faultImpacts(
      sampler.samples,
      records.map((r) => ({ name: r.name, at: r.at, restoredAt: r.restoredAt })),
      endT,
      threshold,
    );
    const faults = records
      .slice()
      .sort((a, b) => a.at - b.at)
      .map((r, i) => ({ ...impacts[i]!, ...r }));
    const base: Omit<ChaosReport, 'pass' | 'failures'> = {
      plan: o.plan.name,
      startedAt: startedAt.toISOString(),
      command: o.command,
      load: {
        ...load,
        achievedRate: summary.achievedRate,
        acked: summary.readings.acked,
        sent: summary.readings.sent,
        errors: summary.errors,
        reconnects: summary.reconnects,
      },
      recoverThreshold: threshold,
      baselineLag: baselineLag(sampler.samples, Math.min(...records.map((r) => r.at))),
      faults,
      unplannedExits: workers.unplannedExits,
      drained,
      verdicts,
      samples: sampler.samples,
      runDir,
    };
    if (o.plan.expectLoss) base.lossBound = lossBound(o, load, published.readings, verdicts, faults);
    const failures = failuresOf(base, o.plan.expectLoss);
    if (published.total !== summary.readings.sent)
      failures.push(`rebuilt ${published.total} readings, the simulator sent ${summary.readings.sent}`);
    return { ...base, pass: failures.length === 0, failures };
  } finally {
    o.say('stopping the workers; putting the stack back (resume, start what is down)');
    await workers.stopAll();
    await admin.disconnect().catch(() => undefined);
    const status = await restoreStack();
    if (!status.healthy) o.say(`WARNING: the stack is not healthy:\n${status.text}`);
  }
}

/** Every consumer group of the pipeline and the topics it reads. */
function consumerGroups(config: LoadedPipelineConfig): Record<string, string[]> {
  const { raw, windows } = pipelineDataTopics(config);
  const t = config.kafka.topics;
  return {
    [`${config.streams.applicationId}-aggregate`]: raw,
    [`${config.streams.applicationId}-detect`]: [...raw, t.deviceStatus],
    [config.sink.groupId]: [...raw, ...windows, t.anomalies, t.deviceStatus],
  };
}

function shortGroup(group: string): string {
  return group.replace(/^iotp-streams-/, '').replace(/^iotp-influxdb-/, '');
}

/** Waits for what earlier runs left unconsumed to be consumed (the run's lag starts from zero). */
async function waitNoLag(admin: Admin, groups: Record<string, string[]>, say: (t: string) => void): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    let lag = 0;
    for (const [group, topics] of Object.entries(groups)) lag += totalLag(await groupLag(admin, group, topics));
    if (lag <= 10 * Object.keys(groups).length) return;
    if (Date.now() > deadline) throw new Error(`the pipeline still lags ${lag} records behind earlier input`);
    say(`waiting for earlier input to be consumed: lag ${lag}`);
    await sleep(5000);
  }
}

function loadSpec(o: ChaosOptions, env: Record<string, string>, config: LoadedPipelineConfig): LoadSpec {
  const seconds = o.plan.seconds;
  // the longest window of at most an hour: its window holding the first readings closes in the run
  const longest = config.streams.windows.filter((w) => w.size <= 3_600_000).sort((a, b) => b.size - a.size)[0];
  // (without waiting after the load: early enough that the load itself closes it)
  const boundaryAtS = !longest
    ? 0
    : o.plan.closeLastWindows
      ? Math.max(seconds * 0.6, seconds - longest.grace / 1000 - 60)
      : Math.max(10, seconds - longest.grace / 1000 - 20);
  return {
    devices: o.devices,
    rate: o.rate,
    seconds,
    seed: o.seed,
    devicePrefix: `c${randomBytes(3).toString('hex')}`,
    startTs: longest ? startTsWithBoundaryAt(Date.now(), boundaryAtS, longest.size) : Date.now(),
    anomalyRate: o.anomalyRate,
    url: env.MQTT_AUTH_URL ?? env.MQTT_URL!,
  };
}

function influxAccess(env: Record<string, string>) {
  return {
    url: env.INFLUX_URL!,
    db: env.INFLUX_DB ?? 'telemetry',
    username: env.INFLUX_USERNAME,
    password: env.INFLUX_PASSWORD,
  };
}

/** mosquitto-kill9: the bound (readings acked in one autosave interval) and the losses per fault. */
function lossBound(
  o: ChaosOptions,
  load: LoadSpec,
  acked: ReturnType<typeof publishedReadings>['readings'],
  verdicts: Awaited<ReturnType<typeof verifyRun>>,
  faults: ReadonlyArray<{ name: string; at: number; target: string }>,
): NonNullable<ChaosReport['lossBound']> {
  const autosaveIntervalS = Number(mosquittoSetting(stackDir(), 'autosave_interval') ?? 1800);
  const lost = new Set(verdicts.readings.influx.lostKeys);
  const kills = faults.filter((f) => f.target === 'mosquitto');
  const lostPerFault: Record<string, number> = {};
  for (const r of acked) {
    if (!lost.has(`${r.deviceId}@${r.ts}`)) continue;
    // published (s into the load) before the first Mosquitto kill at or after it
    const t = (r.ts - load.startTs) / 1000;
    const name = kills.find((k) => k.at >= t)?.name ?? 'after the last kill';
    lostPerFault[name] = (lostPerFault[name] ?? 0) + 1;
  }
  return { autosaveIntervalS, readings: Math.round(o.rate * autosaveIntervalS), lostPerFault };
}
