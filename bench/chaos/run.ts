/**
 * Whole-pipeline chaos under load: the four workers as processes on the local stack, `iotp simulate`
 * at a steady rate with per-device credentials (password listener, per-device ACL), and a fault
 * plan (bench/chaos/plan.ts) carried out meanwhile; then the pipeline drains and every acked
 * reading must be in InfluxDB exactly once, every window result exactly once and equal to a
 * reference reduce, every anomaly record unique. Consumer lag per group is sampled every second;
 * the report names each fault, when, the lag it caused and the time to recover.
 *
 *   node_modules/.bin/tsx bench/chaos/run.ts [--plan full|ci|mosquitto-kill9] [--minutes 10]
 *     [--rate 300] [--devices 300] [--anomaly-rate 2] [--seed 1] [--recover-seconds 5]
 *
 * It kills and restarts servers of the stack that IOTP_STACK_DIR / .stack names (with the IOTP_*_PORT
 * variables it was started with): never run it against a stack others use. Report:
 * bench/out/chaos/<time>.json and .txt. Exit code 1 when the verdict fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { stopEveryChaosWorker } from './chaos-workers.js';
import { chaosPlan, PLAN_NAMES, type PlanName, scalePlan } from './plan.js';
import { reportText } from './report.js';
import { runChaos } from './run-chaos.js';
import { restoreStack } from './stack-control.js';

const { values } = parseArgs({
  options: {
    plan: { type: 'string', default: 'full' },
    minutes: { type: 'string' },
    rate: { type: 'string', default: '300' },
    devices: { type: 'string', default: '300' },
    'anomaly-rate': { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    'recover-seconds': { type: 'string', default: '5' },
  },
});
if (!(PLAN_NAMES as readonly string[]).includes(values.plan))
  throw new Error(`--plan: expected one of ${PLAN_NAMES.join(', ')}, got '${values.plan}'`);
const base = chaosPlan(values.plan as PlanName);
const plan = values.minutes === undefined ? base : scalePlan(base, Number(values.minutes) * 60);
const say = (text: string) => process.stderr.write(`[chaos] ${text}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    say(`${signal}: stopping the workers, putting the stack back, then exiting`);
    void stopEveryChaosWorker()
      .then(() => restoreStack())
      .finally(() => process.exit(130));
  });

const report = await runChaos({
  plan,
  devices: Number(values.devices),
  rate: Number(values.rate),
  seed: Number(values.seed),
  anomalyRate: Number(values['anomaly-rate']),
  recoverSeconds: Number(values['recover-seconds']),
  command: `node_modules/.bin/tsx bench/chaos/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
  say,
});
const outDir = join(repoRoot, 'bench', 'out', 'chaos');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `${report.startedAt.replaceAll(':', '-')}-${report.plan}`);
const text = reportText(report);
writeFileSync(`${file}.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${file}.txt`, text);
process.stdout.write(`${text}report: ${file}.json\n`);
process.exit(report.pass ? 0 : 1);
