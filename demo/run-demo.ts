import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaClientFrom } from '../lib/clients/index.js';
import { registryClientFrom as registryFromConfig } from '../lib/clients/registry.js';
import { type LoadedPipelineConfig, loadPipelineConfig } from '../lib/config/index.js';
import { influxQl } from '../lib/influx/influxql-client.js';
import { GroupLagSnapshots } from '../lib/kafka/group-lag-snapshot.js';
import type { Admin } from '../lib/kafka/types.js';
import { createPipelineTopics, registerPipelineSchemas } from '../lib/pipeline/index.js';
import type { Logger } from '../lib/runtime/log.js';
import { loadStackEnv, repoRoot } from '../lib/runtime/stack-env.js';
import { createAvroDecoder } from '../lib/serde/decoder.js';
import { parseTruthLines } from '../sim/ground-truth.js';
import type { SimulationSummary } from '../sim/run-simulation.js';
import { archiveWorker, countArchived, startGroupAtEnd } from './archive-count.js';
import {
  endOffsets,
  type InfluxAccess,
  partitionEnds,
  pipelineDataTopics,
  pipelineGroups,
  pipelineLag,
  pipelineMeasurements,
  pointsSince,
  recordsAfter,
} from './collect.js';
import { commandRoundTrip } from './command-round-trip.js';
import { alarmsOfRun, type IncidentRecord, scoreDetection } from './detection.js';
import {
  countEnrichment,
  DEMO_SITES,
  DEMO_TYPES,
  demoSitePrefix,
  enrichedEnds,
  enrichWorker,
  registerDemoDevices,
  startEnrichAtEnd,
} from './enrich-demo.js';
import { exposedMetricNames } from './metric-names.js';
import { type Bucket, histogramDelta, histogramQuantile, readingLatencyHistogram } from './prom-quantile.js';
import { collectReportData } from './report/collect-report-data.js';
import { writeReport } from './report/write-report.js';
import { runSimulatorProcess } from './simulator-process.js';
import type { DemoSummary } from './summary.js';
import { pipelineWorkers } from './worker-process.js';

export interface DemoOptions {
  /** Live part: how long the swarm publishes, and at what total rate. */
  seconds: number;
  devices: number;
  rate: number;
  /** History published first (e.g. '1d') at `interval` per device, so the detectors are warm. */
  history: string;
  interval: string;
  /** No anomaly starts in the first part of the history: the detectors' warm-up (e.g. '12h'). */
  anomalyWarmup: string;
  anomalyRate: number;
  seed: number;
  log: Logger;
  /** Wall-clock idle timeout that lets the last windows close after the swarm stops. */
  idleTimeout: string;
  drainTimeoutMs: number;
}

const say = (text: string) => process.stderr.write(`[demo] ${text}\n`);

/**
 * The main job: the pipeline's workers as separate processes over the local stack, a simulated
 * device swarm with injected anomalies, then a summary of what reached Kafka and InfluxDB.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const startedAt = Date.now();
  // Devices of their own each run (see simulate()): their ids start with this.
  const devicePrefix = `d${randomBytes(3).toString('hex')}`;
  const runDir = join(repoRoot, '.stack', 'demo', new Date(startedAt).toISOString().replaceAll(':', '-'));
  mkdirSync(runDir, { recursive: true });
  const env: Record<string, string> = {
    ...loadStackEnv(),
    IOTP_STREAMS__IDLE_TIMEOUT: options.idleTimeout,
    // Enrichment with the device registry and the per-site / per-model views (issue 16).
    IOTP_ENRICH__ENABLED: 'true',
  };
  const config: LoadedPipelineConfig = loadPipelineConfig({ env });

  say('creating topics and registering schemas (iotp setup)');
  await createPipelineTopics(config, env);
  await registerPipelineSchemas(config);

  const client = kafkaClientFrom(config, 'demo');
  const admin = client.admin();
  await admin.connect();
  const topics = pipelineDataTopics(config);
  const before = await endOffsets(admin, [...topics.raw, ...topics.windows, config.kafka.topics.dlq]);
  const dlqStart = await partitionEnds(admin, config.kafka.topics.dlq);
  const anomaliesStart = await partitionEnds(admin, config.kafka.topics.anomalies);

  const workerEnv = { ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'info', MQTT_CLIENT_ID: 'iotp-demo-source' };
  const workers = pipelineWorkers(runDir, workerEnv, 'demo');
  // The cold path: `iotp sink parquet` into the run's folder, in a group of the run's own.
  const archiveGroup = `iotp-demo-archive-${devicePrefix}`;
  await startGroupAtEnd(admin, archiveGroup, topics.raw);
  const archive = archiveWorker(runDir, workerEnv, archiveGroup);
  // Commands to devices: the MQTT sink as one more worker; the swarm's devices answer.
  const commands = commandRoundTrip({
    runDir,
    env: workerEnv,
    config,
    client,
    admin,
    registry: registryFromConfig(config),
    devicePrefix,
    devices: options.devices,
  });
  await commands.prepare();
  // Enrichment: the run's devices in the registry, and `iotp streams run enrich`.
  const registered = await registerDemoDevices(config, client, {
    devices: options.devices,
    seed: options.seed,
    devicePrefix,
  });
  const enrichedStart = await enrichedEnds(admin, config);
  // An application of the run's own, started at the reading topics' ends (the registry table is read
  // whole): a long-lived stack's backlog is not enriched again.
  const enrichApp = `iotp-demo-enrich-${devicePrefix}`;
  await startEnrichAtEnd(admin, config, enrichApp);
  const enrich = enrichWorker(runDir, workerEnv, enrichApp);
  const all = [...Object.values(workers), archive.worker, commands.worker, enrich];
  try {
    say(`starting ${all.length} workers as separate processes (logs in ${runDir})`);
    for (const w of all) await w.start();
    await Promise.all(all.map((w) => w.waitReady(180_000)));
    say(`workers ready: ${all.map((w) => `${w.logFile.split('/').pop()?.replace('.log', '')} :${w.port}`).join(', ')}`);

    const truthFile = join(runDir, 'truth.jsonl');
    // End-to-end latency is a live figure: the sink's histogram counts from when the history's
    // backlog has drained during the live part (a history reading's latency is its age).
    const steady = steadyStateLatency(admin, config, () => workers.sink.metrics(), topics.raw, options.rate);
    const onLive = () => {
      steady.onLiveProgress();
      commands.onLive();
    };
    const simulation = await simulate(options, truthFile, env, runDir, onLive, devicePrefix);
    steady.stop();
    say(
      `simulator: ${simulation.readings.acked} readings acked by Mosquitto, ${simulation.readings.malformed} malformed on purpose, ${simulation.anomalies.total} anomalies injected`,
    );

    const expectedRaw = simulation.readings.acked - simulation.readings.malformed;
    const influx: InfluxAccess = {
      url: env.INFLUX_URL!,
      db: env.INFLUX_DB ?? 'telemetry',
      username: env.INFLUX_USERNAME,
      password: env.INFLUX_PASSWORD,
    };
    const measurements = pipelineMeasurements(config);
    const sinceMs = simulation.startTs;
    // The last 1-minute windows close once stream time passes their end + grace: with no more
    // input that takes the idle timeout plus a window plus its grace of wall-clock quiet.
    const quietMs = parseSeconds(options.idleTimeout) * 1000 + maxWindowMs(config) + 5000;
    say(`waiting for the pipeline to drain and the last windows to close (~${Math.round(quietMs / 1000)} s of quiet)`);
    await drain(
      admin,
      config,
      influx,
      measurements.raw,
      sinceMs,
      devicePrefix,
      expectedRaw,
      options.drainTimeoutMs,
      quietMs,
      // Not the enrich application: it commits after the last record, so each partition of its
      // transactional inputs (anomalies, repartitions) keeps a lag of 1 (the commit marker) for good.
      // Its fleet windows close by the idle rule within the quiet wait; the sink's lag covers them.
      pipelineGroups(config),
    );

    const after = await endOffsets(admin, Object.keys(before));
    const added = (t: string) => Number(after[t]! - before[t]!);
    const inKafka = topics.raw.reduce((s, t) => s + added(t), 0);
    const aggregated = topics.windows.reduce((s, t) => s + added(t), 0);
    const inInflux: Record<string, number> = {};
    for (const m of [...measurements.raw, ...measurements.windows, measurements.anomalies])
      inInflux[m] = await pointsSince(
        influx,
        m,
        m.includes('_') ? sinceMs - maxWindowMs(config) : sinceMs,
        devicePrefix,
      );

    say('waiting for the archive to commit every raw record, then counting it with DuckDB');
    const archived = await countArchived({
      admin,
      topics: topics.raw,
      groupId: archiveGroup,
      root: archive.root,
      devicePrefix,
      timeoutMs: 300_000,
    });

    const commandTrip = await commands.result(30_000);
    const enrichment = await countEnrichment({
      admin,
      config,
      influx,
      before: enrichedStart,
      registered,
      devicePrefix,
      sinceMs: simulation.startTs - maxWindowMs(config),
    });
    const dlq = await recordsAfter(client, admin, config.kafka.topics.dlq, dlqStart);
    const deadLetters: Record<string, number> = {};
    for (const r of dlq) {
      const reason = r.headers['error.reason'] ?? 'unknown';
      deadLetters[reason] = (deadLetters[reason] ?? 0) + 1;
    }

    const registry = registryFromConfig(config);
    const decoder = createAvroDecoder<IncidentRecord>({ registry });
    const incidents: IncidentRecord[] = [];
    for (const r of await recordsAfter(client, admin, config.kafka.topics.anomalies, anomaliesStart))
      if (r.value) incidents.push((await decoder.decode(r.value)).value);
    writeFileSync(join(runDir, 'incidents.jsonl'), incidents.map((i) => `${JSON.stringify(i)}\n`).join(''));
    const alarms = alarmsOfRun(incidents, simulation, `${devicePrefix}-`);
    const truth = parseTruthLines(readFileSync(truthFile, 'utf8'));
    // The swarm's stop is not scored: a device is MISSING from one interval after its last reading.
    const endMarginMs = 2 * (simulation.live?.intervalMs ?? 0);
    const detection = scoreDetection(truth, alarms, simulation, durationMs(options.anomalyWarmup), endMarginMs);
    say('writing the HTML report (detection table, series of the devices with the most alarms and a few random ones)');
    const report = writeReport(
      runDir,
      await collectReportData({
        influx: influxQl({
          url: influx.url,
          database: influx.db,
          username: influx.username,
          password: influx.password,
        }),
        measurements: measurements.raw,
        title: `iotp demo ${new Date(startedAt).toISOString()}`,
        span: { startTs: simulation.startTs, endTs: simulation.endTs },
        score: detection,
        truth,
        alarms,
        seed: options.seed,
      }),
    );

    const metricNames: Record<string, string[]> = {};
    for (const [name, w] of Object.entries(workers)) metricNames[name] = exposedMetricNames(await w.metrics());
    const sinkMetrics = await workers.sink.metrics();
    const e2e = steady.since(readingLatencyHistogram(sinkMetrics, topics.raw));
    const rawPoints = measurements.raw.reduce((s, m) => s + (inInflux[m] ?? 0), 0);
    return {
      runDir,
      simulation,
      expectedRaw,
      inKafka,
      aggregated,
      inInflux,
      rawPoints,
      archived,
      enrichment,
      lost: Math.max(0, expectedRaw - rawPoints),
      duplicatesInKafka: Math.max(0, inKafka - expectedRaw),
      deadLetters,
      detection,
      report,
      e2eLatency: e2e
        ? { p50: histogramQuantile(e2e, 0.5), p99: histogramQuantile(e2e, 0.99) }
        : { p50: undefined, p99: undefined },
      metricNames,
      influxUrl: env.INFLUX_URL!,
      influxDb: influx.db,
      ...(commandTrip ? { commands: commandTrip } : {}),
    };
  } finally {
    say('stopping workers (SIGTERM: flush, commit, leave the group)');
    const codes = await Promise.all(all.map((w) => w.stop()));
    codes.forEach((code, i) => {
      if (code !== 0) say(`warning: ${all[i]!.logFile} exited with ${code}; last lines:\n${all[i]!.tail(10)}`);
    });
    await admin.disconnect();
  }
}

async function simulate(
  options: DemoOptions,
  truthFile: string,
  env: Record<string, string>,
  runDir: string,
  onLiveProgress: () => void,
  devicePrefix: string,
): Promise<SimulationSummary> {
  const args = [
    '--history',
    options.history,
    '--interval',
    options.interval,
    '--anomaly-warmup',
    options.anomalyWarmup,
    '--devices',
    String(options.devices),
    '--rate',
    String(options.rate),
    '--duration',
    String(options.seconds),
    '--anomaly-rate',
    String(options.anomalyRate),
    '--seed',
    String(options.seed),
    // Devices of their own each run: the detectors' state and the devices' last status outlive a
    // run (the stores keep a device for detectors.defaults.stateRetention), and a replayed history
    // of the same devices would land behind their previous run's readings.
    '--device-prefix',
    devicePrefix,
    // The fleet the demo registers (enrich-demo.ts): sites of the run's own.
    '--sites',
    String(DEMO_SITES),
    '--site-prefix',
    demoSitePrefix(devicePrefix),
    '--types',
    DEMO_TYPES.join(','),
    '--qos',
    '1',
    '--truth',
    truthFile,
    '--url',
    env.MQTT_AUTH_URL ?? env.MQTT_URL!,
    // The devices answer the demo's commands (demo/command-round-trip.ts).
    '--answer-commands',
  ];
  say(
    `simulating ${options.devices} devices: ${options.history} of history at one reading per ${options.interval} each (as fast as the pipeline takes it), then ${options.seconds} s live at ${options.rate} readings/s`,
  );
  return runSimulatorProcess(args, env, onLiveProgress).catch((cause: unknown) => {
    throw new Error(`${(cause as Error).message} (run dir ${runDir})`, { cause });
  });
}

/**
 * Watches the live part: once the simulator publishes live and the pipeline's lag is down to a
 * couple of seconds of live input (the history's backlog drained), takes a snapshot of the sink's
 * latency histogram; `since(final)` is then what the live readings alone measured (undefined if
 * the backlog never drained during the live part).
 */
function steadyStateLatency(
  admin: Admin,
  config: LoadedPipelineConfig,
  sinkMetrics: () => Promise<string>,
  rawTopics: string[],
  liveRate: number,
): { onLiveProgress(): void; stop(): void; since(final: Bucket[]): Bucket[] | undefined } {
  let live = false;
  let snapshot: Bucket[] | undefined;
  let busy = false;
  const snapshots = new GroupLagSnapshots(admin);
  const { raw, windows } = pipelineDataTopics(config);
  const topics = [...raw, ...windows, config.kafka.topics.anomalies, config.kafka.topics.deviceStatus];
  const timer = setInterval(() => {
    if (!live || snapshot || busy) return;
    busy = true;
    void (async () => {
      const lag = (await pipelineLag(admin, snapshots, topics, pipelineGroups(config))).reduce((n, r) => n + r.lag, 0);
      if (lag <= 2 * liveRate) {
        snapshot = readingLatencyHistogram(await sinkMetrics(), rawTopics);
        say(`history backlog drained (lag ${lag}): end-to-end latency is measured from here on`);
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, 1000);
  return {
    onLiveProgress: () => {
      live = true;
    },
    stop: () => clearInterval(timer),
    since: (final) => (snapshot ? histogramDelta(snapshot, final) : undefined),
  };
}

/** '12h', '30m', '10s', '1d' in ms. */
function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new Error(`expected a duration such as 12h, got "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

function parseSeconds(text: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(text);
  if (!m) throw new Error(`idle timeout: expected e.g. 10s, got "${text}"`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}

/** The longest window (size + grace) that can close during a demo: windows under 10 minutes. */
function maxWindowMs(config: LoadedPipelineConfig): number {
  const short = config.streams.windows.filter((w) => w.size <= 600_000);
  return Math.max(0, ...short.map((w) => w.size + w.grace));
}

/** Waits until every consumer group on the pipeline's topics has no lag and InfluxDB holds the readings. */
async function drain(
  admin: Admin,
  config: LoadedPipelineConfig,
  influx: InfluxAccess,
  raw: string[],
  sinceMs: number,
  devicePrefix: string,
  expectedRaw: number,
  timeoutMs: number,
  minWaitMs: number,
  groups: string[],
): Promise<void> {
  const earliestEnd = Date.now() + minWaitMs;
  const snapshots = new GroupLagSnapshots(admin);
  const { raw: rawTopics, windows } = pipelineDataTopics(config);
  const pipelineTopics = [...rawTopics, ...windows, config.kafka.topics.anomalies, config.kafka.topics.deviceStatus];
  const deadline = Date.now() + timeoutMs;
  let stableSince = 0;
  let last = -1;
  let lastLine = '';
  let lastSaidAt = 0;
  while (Date.now() < deadline) {
    const lag = (await pipelineLag(admin, snapshots, pipelineTopics, groups)).reduce((s, r) => s + r.lag, 0);
    let points = 0;
    for (const m of raw) points += await pointsSince(influx, m, sinceMs, devicePrefix);
    // A line when something moved, else one every 10 s that says what is still awaited.
    const line = `draining: consumer lag ${lag} records, ${points}/${expectedRaw} readings in InfluxDB`;
    if (line !== lastLine || Date.now() - lastSaidAt >= 10_000) {
      const quietLeft = Math.ceil((earliestEnd - Date.now()) / 1000);
      say(line === lastLine && quietLeft > 0 ? `${line}; last windows close in ~${quietLeft} s` : line);
      lastLine = line;
      lastSaidAt = Date.now();
    }
    if (lag === 0 && points >= expectedRaw && points === last && Date.now() >= earliestEnd) {
      stableSince ||= Date.now();
      if (Date.now() - stableSince >= 3000) return;
    } else stableSince = 0;
    last = points;
    await sleep(2000);
  }
  say(`drain timed out after ${timeoutMs} ms: the summary shows what arrived`);
}
