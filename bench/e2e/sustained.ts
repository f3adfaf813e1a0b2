/**
 * End to end on this machine with everything running: the highest input rate the whole pipeline
 * sustains (backlog bounded: readings queued in Mosquitto plus consumer lag), confirmed for 5 minutes, then publish-to-InfluxDB latency at half
 * that rate. Real servers: the local stack (`make stack-up`).
 *
 *   node_modules/.bin/tsx bench/e2e/sustained.ts [--rates 1000,2000,3000,4000,5000]
 *     [--step-seconds 60] [--confirm-seconds 300] [--latency-seconds 120] [--devices 2000]
 *     [--max-rate 30000]
 *
 * The four workers run as separate processes (`iotp connect mqtt-source`, `iotp streams run
 * aggregate|detect`, `iotp sink influxdb`, one replica each), as in `make demo`; `iotp simulate`
 * publishes at QoS 1 (one reading per message, no anomalies). Phases:
 * 1. ramp: each rate of --rates, then +25% a step up to --max-rate, for --step-seconds each, lag
 *    backlog sampled every 5 s; stop at the first rate that is not sustained (bench/e2e/lag-verdict.ts); the
 *    pipeline drains between steps;
 * 2. confirm: the best rate for --confirm-seconds; if it is not sustained, 85% of it, and so on;
 * 3. latency: half the confirmed rate for --latency-seconds; p50/p99 from the sink's
 *    iotp_end_to_end_latency_seconds histogram (reading event time = when it was due to be
 *    published → InfluxDB accepted the point), counted over that phase only.
 * A JSON report goes to bench/out/e2e/<time>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { endOffsets, pipelineDataTopics, pipelineLag } from '../../demo/collect.js';
import { histogramDelta, histogramQuantile, readingLatencyHistogram } from '../../demo/prom-quantile.js';
import { runSimulatorProcess } from '../../demo/simulator-process.js';
import { pipelineWorkers } from '../../demo/worker-process.js';
import { kafkaClientFrom } from '../../lib/clients/index.js';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { GroupLagSnapshots } from '../../lib/kafka/group-lag-snapshot.js';
import { createPipelineTopics, registerPipelineSchemas } from '../../lib/pipeline/index.js';
import { loadStackEnv, repoRoot } from '../../lib/runtime/stack-env.js';
import type { SimulationSummary } from '../../sim/run-simulation.js';
import { type LagSample, type LagVerdict, lagVerdict } from './lag-verdict.js';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,2000,3000,4000,5000' },
    'max-rate': { type: 'string', default: '30000' },
    'step-seconds': { type: 'string', default: '60' },
    'confirm-seconds': { type: 'string', default: '300' },
    'latency-seconds': { type: 'string', default: '120' },
    devices: { type: 'string', default: '2000' },
  },
});
const rates = values.rates.split(',').map(Number);
const maxRate = Number(values['max-rate']);
/** The listed rates, then 25% more each step until --max-rate. */
function* rampRates(): Generator<number> {
  yield* rates;
  for (let r = Math.round(rates[rates.length - 1]! * 1.25); r <= maxRate; r = Math.round(r * 1.25)) yield r;
}
const stepSeconds = Number(values['step-seconds']);
const confirmSeconds = Number(values['confirm-seconds']);
const latencySeconds = Number(values['latency-seconds']);
const devices = Number(values.devices);
const SAMPLE_MS = 5_000;

const say = (text: string) => process.stderr.write(`[e2e] ${text}\n`);
const startedAt = new Date();
const runDir = join(repoRoot, '.stack', 'bench-e2e', startedAt.toISOString().replaceAll(':', '-'));
mkdirSync(runDir, { recursive: true });

// A share group and an MQTT client of this run's own: on a shared broker, a persistent session left
// in the YAML's share group by another run (demo, tests) stays a member while offline and is handed
// its share of the readings (Mosquitto queues them for it): half of them never reached Kafka.
const runTag = `e2e-${startedAt.getTime().toString(36)}`;
const env: Record<string, string> = {
  ...loadStackEnv(),
  IOTP_STREAMS__IDLE_TIMEOUT: '10s',
  IOTP_MQTT__SHARE_GROUP: runTag,
};
const config = loadPipelineConfig({ env });
await createPipelineTopics(config);
await registerPipelineSchemas(config);
const client = kafkaClientFrom(config, 'bench-e2e');
const admin = client.admin();
await admin.connect();
const snapshots = new GroupLagSnapshots(admin);
const { raw, windows } = pipelineDataTopics(config);
const pipelineTopics = [...raw, ...windows, config.kafka.topics.anomalies, config.kafka.topics.deviceStatus];

const workerEnv = { ...env, LOG_LEVEL: 'warn' };
// The replica names the source's MQTT client: `<mqtt.clientId>-<runTag>`, a session of this run only.
const workers = pipelineWorkers(runDir, workerEnv, runTag);
const all = Object.values(workers);

interface StepResult {
  phase: 'ramp' | 'confirm' | 'latency';
  rate: number;
  seconds: number;
  achievedRate: number;
  acked: number;
  verdict: LagVerdict;
  maxLagSeconds: number;
  samples: LagSample[];
  latency?: { p50: number | undefined; p99: number | undefined; readings: number };
}

/**
 * The groups of the workers this run started (the sink's, the streams application's): another
 * consumer of the pipeline topics on a shared broker (an archive sink joining with a backlog of
 * millions) is not this pipeline's lag.
 */
const ownGroup = (group: string) =>
  group === config.sink.groupId || group.startsWith(`${config.streams.applicationId}-`);

/** Consumer lag of every pipeline group, in records and (the largest) in seconds. */
async function kafkaLag(): Promise<{ records: number; seconds: number }> {
  const rows = (await pipelineLag(admin, snapshots, pipelineTopics)).filter((r) => ownGroup(r.group));
  return {
    records: rows.reduce((s, r) => s + r.lag, 0),
    seconds: Math.max(0, ...rows.map((r) => r.lagSeconds ?? 0)),
  };
}

/** Records in the reading topics (sum of end offsets): what the MQTT source has written so far. */
async function ingested(): Promise<number> {
  const ends = await endOffsets(admin, raw);
  return Object.values(ends).reduce((s, n) => s + Number(n), 0);
}

async function e2eHistogram() {
  return readingLatencyHistogram(await workers.sink.metrics(), raw);
}

/**
 * Waits until the MQTT source has written `published` readings since `base` and no group lags (or
 * `limitMs` passes); returns whether it drained.
 */
async function drain(base: number, published: number, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const inMqtt = Math.max(0, published - ((await ingested()) - base));
    const { records } = await kafkaLag();
    if (inMqtt === 0 && records === 0) return true;
    say(`draining: ${inMqtt} readings queued in Mosquitto, ${records} records of consumer lag`);
    await sleep(SAMPLE_MS);
  }
  return false;
}

/**
 * One rate for `seconds`. The backlog sampled every 5 s is what Mosquitto holds for the source
 * (readings the simulator got PUBACKs for, minus those in Kafka: at QoS 1 Mosquitto acknowledges
 * the publisher on receipt, so a slow source shows here first) plus every group's consumer lag.
 */
async function step(phase: StepResult['phase'], rate: number, seconds: number, seed: number): Promise<StepResult> {
  say(`${phase}: ${rate} readings/s for ${seconds} s (${devices} devices, QoS 1)`);
  const histogramBefore = phase === 'latency' ? await e2eHistogram() : [];
  const base = await ingested();
  const t0 = Date.now();
  const samples: LagSample[] = [];
  let maxLagSeconds = 0;
  let progress = { acked: 0, at: t0, perS: 0 };
  let done = false;
  const sampling = (async () => {
    while (!done) {
      await sleep(SAMPLE_MS);
      if (done) break;
      const now = Date.now();
      // readings acked by Mosquitto by now, interpolated from the last progress line
      const published = progress.acked + (progress.perS * (now - progress.at)) / 1000;
      const inMqtt = Math.max(0, Math.round(published - ((await ingested()) - base)));
      const lag = await kafkaLag();
      const t = (now - t0) / 1000;
      samples.push({ t, lag: inMqtt + lag.records });
      maxLagSeconds = Math.max(maxLagSeconds, inMqtt / rate + lag.seconds);
      say(
        `  t=${t.toFixed(0)} s: ${inMqtt} readings queued in Mosquitto, consumer lag ${lag.records} records (${lag.seconds.toFixed(1)} s)`,
      );
    }
  })();
  let sim: SimulationSummary;
  try {
    sim = await runSimulatorProcess(
      [
        '--devices',
        String(devices),
        '--rate',
        String(rate),
        '--duration',
        String(seconds),
        '--seed',
        String(seed),
        '--qos',
        '1',
        '--anomaly-rate',
        '0',
        '--url',
        env.MQTT_AUTH_URL ?? env.MQTT_URL!,
      ],
      env,
      (p) => {
        progress = { acked: p.acked, at: Date.now(), perS: p.elapsedS > 0 ? p.acked / p.elapsedS : 0 };
      },
    );
  } finally {
    done = true;
    await sampling;
  }
  const verdict = lagVerdict({ rate, achievedRate: sim.achievedRate, samples });
  say(
    `  ${verdict.sustained ? 'SUSTAINED' : 'NOT sustained'}: ${verdict.reason}; published ${sim.achievedRate.toFixed(0)}/s`,
  );
  const result: StepResult = {
    phase,
    rate,
    seconds,
    achievedRate: sim.achievedRate,
    acked: sim.readings.acked,
    verdict,
    maxLagSeconds,
    samples,
  };
  const drained = await drain(base, sim.readings.acked, verdict.sustained ? 180_000 : 600_000);
  if (!drained) say('  warning: the pipeline did not drain');
  if (phase === 'latency') {
    // every reading of the phase is written before the last scrape
    const delta = histogramDelta(histogramBefore, await e2eHistogram());
    result.latency = {
      p50: histogramQuantile(delta, 0.5),
      p99: histogramQuantile(delta, 0.99),
      readings: delta[delta.length - 1]?.count ?? 0,
    };
    say(
      `  latency over ${result.latency.readings} readings: p50 ${result.latency.p50?.toFixed(2)} s, p99 ${result.latency.p99?.toFixed(2)} s`,
    );
  }
  return result;
}

const results: StepResult[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    say(`${signal}: stopping workers`);
    void Promise.all(all.map((w) => w.stop()))
      .then(() => clearSourceSession())
      .finally(() => process.exit(130));
  });
try {
  say(`starting ${all.length} workers (logs in ${runDir})`);
  for (const w of all) await w.start();
  await Promise.all(all.map((w) => w.waitReady(180_000)));
  await drain(0, 0, 300_000); // consumer lag an earlier run left

  let best = 0;
  let seed = 1;
  for (const rate of rampRates()) {
    const r = await step('ramp', rate, stepSeconds, seed++);
    results.push(r);
    if (!r.verdict.sustained) break;
    best = rate;
  }
  if (best === 0) throw new Error(`not even ${rates[0]} readings/s was sustained: start with a lower --rates`);
  let confirmed = 0;
  for (let rate = best; rate >= rates[0]! * 0.5 && confirmed === 0; rate = Math.round(rate * 0.85)) {
    const r = await step('confirm', rate, confirmSeconds, seed++);
    results.push(r);
    if (r.verdict.sustained) confirmed = rate;
  }
  if (confirmed === 0) throw new Error('no rate was sustained for the confirmation phase');
  const half = Math.round(confirmed / 2);
  const latency = await step('latency', half, latencySeconds, seed++);
  results.push(latency);

  const report = {
    startedAt: startedAt.toISOString(),
    devices,
    confirmed,
    half,
    latency: latency.latency,
    steps: results,
  };
  const outDir = join(repoRoot, 'bench', 'out', 'e2e');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${startedAt.toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    [
      '| phase | target readings/s | published/s | verdict | max backlog (records) | max backlog (s) | backlog trend (records/s) |',
      '|---|---|---|---|---|---|---|',
      ...results.map(
        (r) =>
          `| ${r.phase} | ${r.rate} | ${r.achievedRate.toFixed(0)} | ${r.verdict.sustained ? 'sustained' : 'not sustained'} | ${r.verdict.maxLag} | ${r.maxLagSeconds.toFixed(1)} | ${r.verdict.slope.toFixed(1)} |`,
      ),
      '',
      `Highest sustained rate (confirmed for ${confirmSeconds} s): ${confirmed} readings/s.`,
      `At ${half} readings/s: publish-to-InfluxDB p50 ${latency.latency?.p50?.toFixed(2)} s, p99 ${latency.latency?.p99?.toFixed(2)} s over ${latency.latency?.readings} readings.`,
      `Report: ${file}`,
      '',
    ].join('\n'),
  );
} finally {
  say('stopping workers');
  await Promise.all(all.map((w) => w.stop()));
  await admin.disconnect();
  await clearSourceSession();
}

/** Ends the source's persistent session (clean start, expiry 0), so it stops collecting readings. */
async function clearSourceSession(): Promise<void> {
  const c = await mqtt
    .connectAsync(config.mqtt.url, {
      clientId: `${config.mqtt.clientId}-${runTag}`,
      clean: true,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 0 },
      reconnectPeriod: 0,
      ...(config.mqtt.username ? { username: config.mqtt.username, password: config.mqtt.password ?? '' } : {}),
    })
    .catch((e: unknown) => {
      say(`could not clear the source's MQTT session: ${String(e)}`);
      return undefined;
    });
  await c?.endAsync().catch(() => undefined);
}
