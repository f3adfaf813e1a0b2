/**
 * Start time and memory of each worker, run from the TypeScript sources through tsx (how bin/iotp
 * ran every worker before `make build`) and from the compiled JavaScript of dist/ (what it runs now).
 *
 *   bash scripts/build.sh && node_modules/.bin/tsx bench/startup/worker-startup.ts [--reps 3]
 *
 * Each worker runs on a private pipeline (topics and groups of its own, `iotp setup` first), so
 * nothing else on the stack is touched. Per run: ms from spawn to the worker's first log line
 * (`worker starting`: the code is loaded), ms to /readyz 200 (joined, restored, connected), and the
 * resident memory (VmRSS) at ready and its peak (VmHWM) from /proc. Medians of the runs are printed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import { loadPipelineConfig, pipelineSubjects } from '../../lib/config/index.js';
import { loadStackEnv, repoRoot } from '../../lib/runtime/stack-env.js';
import { createSchemaRegistryClient } from '../../lib/serde/index.js';
import { freePort, spawnIotp } from '../../test/helpers/child-process.js';
import { deleteTopicsWithPrefix, kafkaClientFromEnv } from '../../test/helpers/kafka.js';
import { uniqueName } from '../../test/helpers/stack.js';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' } } });
const reps = Number(values.reps);
const env = loadStackEnv();
const prefix = uniqueName('startup');
const dir = mkdtempSync(join(tmpdir(), 'iotp-startup-'));
const file = join(dir, 'pipeline.yaml');
writeFileSync(
  file,
  [
    'version: 1',
    `kafka: { brokers: '${env.KAFKA_BROKERS}', topics: { dlq: ${prefix}.dlq, anomalies: ${prefix}.anomalies, deviceStatus: ${prefix}.device-status, partitions: 2 } }`,
    `registry: { url: '${env.SCHEMA_REGISTRY_URL}', username: '${env.SCHEMA_REGISTRY_USERNAME}', password: '\${SCHEMA_REGISTRY_PASSWORD}', schemasDir: ${join(repoRoot, 'schemas')} }`,
    `routes: [{ type: environment, mqtt: '${prefix}/{site}/{deviceId}/environment', topic: '${prefix}.{type}' }]`,
    `streams: { applicationId: ${prefix}, lateTopic: ${prefix}.late }`,
    `sink: { influx: { url: '${env.INFLUX_URL}', api: v1, db: ${env.INFLUX_DB ?? 'telemetry'}, username: '${env.INFLUX_USERNAME}', password: '\${INFLUX_PASSWORD}' }, groupId: ${prefix}-sink }`,
    `mqtt: { url: '${env.MQTT_URL}', shareGroup: ${prefix} }`,
    '',
  ].join('\n'),
);

const WORKERS: Record<string, string[]> = {
  'mqtt-source': ['connect', 'mqtt-source', '--replica', prefix],
  'streams aggregate': ['streams', 'run', 'aggregate'],
  'streams detect': ['streams', 'run', 'detect'],
  'sink influxdb': ['sink', 'influxdb', '--replica-id', `${prefix}-sink`],
};

const kib = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);

async function once(args: string[], fromSource: boolean) {
  const started = performance.now();
  const w = spawnIotp([...args, '--config', file], {
    logLevel: 'info',
    env: { METRICS_PORT: String(await freePort()), ...(fromSource ? { IOTP_FROM_SOURCE: '1' } : {}) },
  });
  try {
    await w.waitForLog('worker starting; serving /metrics /healthz /readyz', 60_000);
    const loadedMs = performance.now() - started;
    const cmdline = readFileSync(`/proc/${w.pid}/cmdline`, 'utf8');
    const ran = cmdline.includes('dist/cli/main.js') ? 'dist' : 'tsx';
    if (ran !== (fromSource ? 'tsx' : 'dist'))
      throw new Error(
        `expected the ${fromSource ? 'sources' : 'build'}, ran ${ran}: run scripts/build.sh first (and edit no .ts after it)`,
      );
    if (!(await w.waitReady(120_000))) throw new Error(`not ready: ${w.output().slice(-2000)}`);
    const readyMs = performance.now() - started;
    return { loadedMs, readyMs, rssMiB: kib(w.pid, 'VmRSS') / 1024, peakMiB: kib(w.pid, 'VmHWM') / 1024 };
  } finally {
    await w.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

try {
  execFileSync(join(repoRoot, 'bin', 'iotp'), ['setup', '--config', file], {
    stdio: 'ignore',
    env: { ...process.env },
  });
  console.log(`worker               mode    loaded ms  ready ms  RSS MiB  peak MiB   (median of ${reps})`);
  for (const [name, args] of Object.entries(WORKERS)) {
    for (const mode of ['tsx', 'dist'] as const) {
      const runs = [];
      for (let i = 0; i < reps; i++) runs.push(await once(args, mode === 'tsx'));
      console.log(
        `${name.padEnd(20)} ${mode.padEnd(6)} ${median(runs.map((r) => r.loadedMs))
          .toFixed(0)
          .padStart(10)} ${median(runs.map((r) => r.readyMs))
          .toFixed(0)
          .padStart(9)} ${median(runs.map((r) => r.rssMiB))
          .toFixed(1)
          .padStart(8)} ${median(runs.map((r) => r.peakMiB))
          .toFixed(1)
          .padStart(9)}`,
      );
    }
  }
} finally {
  await deleteTopicsWithPrefix(kafkaClientFromEnv(env, `${prefix}-cleanup`), prefix);
  const registry = createSchemaRegistryClient({ url: env.SCHEMA_REGISTRY_URL as string, ...registryAuthFromEnv(env) });
  for (const s of pipelineSubjects(loadPipelineConfig({ file, env })))
    await registry.deleteSubject(s.subject, { permanent: true }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
