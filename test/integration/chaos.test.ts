/**
 * Whole-pipeline chaos under load, the CI version (issue 15): bench/chaos's `ci` plan (180 s
 * of `iotp simulate` with per-device credentials) on a stack of its own, started fresh in a
 * temporary folder on other ports (bench/chaos/private-stack.ts) and stopped at the end, so the
 * shared stack is never touched. Faults: MQTT source, aggregate, detect and sink kill -9, Mosquitto
 * SIGTERM and restart, Kafka kill -9 and restart, Apicurio kill -9 and restart (the sink restarted
 * while it is down), InfluxDB stopped, a replica killed during a scale-out. Then: zero acked readings
 * lost, none doubled in InfluxDB, every window result once and equal to the reference reduce (the
 * Kafka copies a source kill -9 makes are dropped by the topologies' dedupe step), every anomaly
 * record unique. The full plan (12 minutes) and the Mosquitto kill -9 plan: docs/BENCHMARKS.md, "Chaos".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { chaosPlan } from '../../bench/chaos/plan.js';
import { portsInUse, privateStackDown, privateStackEnv } from '../../bench/chaos/private-stack.js';
import type { ChaosReport } from '../../bench/chaos/report.js';
import { windowStepPasses } from '../../bench/chaos/verify-windows.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';

const dir = mkdtempSync(join(tmpdir(), 'iotp-chaos-ci-'));
let stackEnv: Record<string, string> | undefined;
let passed = false;

afterAll(async () => {
  // run.ts stops the stack it started; this is for a run that was cut short
  if (stackEnv) await privateStackDown(stackEnv).catch(() => undefined);
  // a failed run keeps its folder: the workers' and servers' logs are in it
  if (passed) rmSync(dir, { recursive: true, force: true });
  else process.stderr.write(`chaos: logs kept in ${dir}\n`);
});

/** The first port offset (from scripts/stack/lib.sh's defaults) whose ports are all free. */
async function freeOffset(): Promise<number> {
  const tried: string[] = [];
  for (const offset of [12_000, 12_500, 13_000]) {
    const busy = await portsInUse(privateStackEnv(dir, offset));
    if (busy.length === 0) return offset;
    tried.push(`+${offset}: ${busy.join(', ')}`);
  }
  throw new Error(`no free set of ports for the private stack (${tried.join('; ')})`);
}

/** `tsx bench/chaos/run.ts <args>`: its exit code, the report file it names, and its stderr's tail. */
function runChaos(args: string[]): Promise<{ code: number | null; report?: string; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['bench/chaos/run.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, IOTP_STACK_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let log = '';
    child.stdout.on('data', (b: Buffer) => {
      out = (out + b.toString()).slice(-200_000);
    });
    child.stderr.on('data', (b: Buffer) => {
      log = (log + b.toString()).slice(-20_000);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, report: /^report: (.+\.json)$/m.exec(out)?.[1], log }));
  });
}

it(
  'the ci plan: every fault kind under load, nothing lost, nothing doubled, windows equal the reference, anomalies unique',
  async () => {
    const offset = await freeOffset();
    stackEnv = privateStackEnv(dir, offset);
    const run = await runChaos([
      '--private-stack',
      dir,
      '--port-offset',
      String(offset),
      '--plan',
      'ci',
      '--rate',
      '200',
      '--devices',
      '200',
    ]);
    if (!run.report) throw new Error(`bench/chaos/run.ts wrote no report (exit ${run.code}):\n${run.log}`);
    const report = JSON.parse(readFileSync(run.report, 'utf8')) as ChaosReport;
    const context = `${report.failures.join('\n')}\n${readFileSync(run.report.replace(/\.json$/, '.txt'), 'utf8')}`;

    // every step of the plan was carried out, and the plan has every fault kind of the issue
    const plan = chaosPlan('ci');
    expect(report.faults.map((f) => f.name).sort()).toEqual(plan.steps.map((s) => s.name).sort());
    expect(report.faults.filter((f) => f.error).map((f) => `${f.name}: ${f.error}`)).toEqual([]);
    const done = new Set(report.faults.map((f) => `${f.fault} ${f.target}`));
    for (const kind of [
      'kill9 source',
      'stop mosquitto',
      'kill9 aggregate',
      'kill9 detect',
      'kill9 sink',
      'kill9 kafka',
      'kill9 registry',
      'stop influxdb',
      'scale-out aggregate',
    ])
      expect(done, kind).toContain(kind);

    // the load ran: every reading sent was acknowledged
    expect(report.load.acked, context).toBe(report.load.sent);
    expect(report.verdicts.readings.acked).toBeGreaterThan(0);
    expect(report.drained, context).toBe(true);

    // every acknowledged reading in InfluxDB exactly once, with its values
    const influx = report.verdicts.readings.influx;
    expect(
      { lost: influx.lost, doubled: influx.doubled, wrongValues: influx.wrongValues, unexpected: influx.unexpected },
      context,
    ).toEqual({
      lost: 0,
      doubled: 0,
      wrongValues: 0,
      unexpected: 0,
    });
    // every window result exactly once and equal to the reference reduce
    expect(report.verdicts.windows.length).toBeGreaterThan(0);
    for (const w of report.verdicts.windows) {
      expect(w.mustExist, `${w.step}: windows to check`).toBeGreaterThan(0);
      expect(windowStepPasses(w), `${w.step}\n${context}`).toBe(true);
    }
    // every anomaly record unique
    expect(report.verdicts.anomalies.repeated, context).toBe(0);
    expect(report.pass, context).toBe(true);
    expect(run.code).toBe(0);
    passed = true;
  },
  // a guard against a hung run, not a figure: the run takes about 4 minutes
  15 * 60_000,
);
