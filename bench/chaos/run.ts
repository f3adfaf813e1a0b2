/**
 * Whole-pipeline chaos under load: the four workers as processes on the local stack, `iotp simulate`
 * at a steady rate with per-device credentials (password listener, per-device ACL), and a fault
 * plan (bench/chaos/plan.ts) carried out meanwhile; then the pipeline drains and every acked
 * reading must be in InfluxDB exactly once, every window result exactly once and equal to a
 * reference reduce, every anomaly record unique. Consumer lag per group is sampled every second;
 * the report names each fault, when, the lag it caused and the time to recover.
 *
 *   node_modules/.bin/tsx bench/chaos/run.ts --private-stack /tmp/chaos-stack [--port-offset 10000]
 *     [--keep-stack] [--plan full|ci|mosquitto-kill9] [--minutes 10] [--rate 300] [--devices 300]
 *     [--anomaly-rate 2] [--seed 1] [--recover-seconds 5]
 *
 * It kills and restarts servers of the stack, so it runs on a stack of its own: --private-stack DIR
 * (bench/chaos/private-stack.ts: IOTP_STACK_DIR=DIR, every IOTP_*_PORT of scripts/stack/lib.sh at its
 * default + the offset) is started fresh unless it is already up and healthy, and stopped at the end
 * unless --keep-stack. Without --private-stack it uses the stack IOTP_STACK_DIR names (with the
 * IOTP_*_PORT variables it was started with) and refuses the repository's shared .stack. Report:
 * bench/out/chaos/<time>-<plan>.json and .txt. Exit code 1 when the verdict fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { stopEveryChaosWorker } from './chaos-workers.js';
import { chaosPlan, PLAN_NAMES, type PlanName, scalePlan } from './plan.js';
import { portsInUse, privateStackDown, privateStackEnv, privateStackUp } from './private-stack.js';
import { reportText } from './report.js';
import { runChaos } from './run-chaos.js';
import { restoreStack, stackStatus } from './stack-control.js';

const { values } = parseArgs({
  options: {
    plan: { type: 'string', default: 'full' },
    minutes: { type: 'string' },
    rate: { type: 'string', default: '300' },
    devices: { type: 'string', default: '300' },
    'anomaly-rate': { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    'recover-seconds': { type: 'string', default: '5' },
    'private-stack': { type: 'string' },
    'port-offset': { type: 'string', default: '10000' },
    'keep-stack': { type: 'boolean', default: false },
  },
});
if (!(PLAN_NAMES as readonly string[]).includes(values.plan))
  throw new Error(`--plan: expected one of ${PLAN_NAMES.join(', ')}, got '${values.plan}'`);
const base = chaosPlan(values.plan as PlanName);
const plan = values.minutes === undefined ? base : scalePlan(base, Number(values.minutes) * 60);
const say = (text: string) => process.stderr.write(`[chaos] ${text}\n`);

let ownStack: Record<string, string> | undefined;
if (values['private-stack'] !== undefined) {
  const env = privateStackEnv(resolve(values['private-stack']), Number(values['port-offset']));
  Object.assign(process.env, env);
  if ((await stackStatus()).healthy) say(`private stack ${env.IOTP_STACK_DIR} is up: using it as it is`);
  else {
    await privateStackDown(env);
    const busy = await portsInUse(env);
    if (busy.length > 0)
      throw new Error(`--private-stack: ports in use (choose another --port-offset): ${busy.join(', ')}`);
    say(`starting a private stack in ${env.IOTP_STACK_DIR} (ports +${values['port-offset']}), fresh data`);
    await privateStackUp(env, true);
    if (!values['keep-stack']) ownStack = env;
  }
} else if (!process.env.IOTP_STACK_DIR || resolve(process.env.IOTP_STACK_DIR) === join(repoRoot, '.stack'))
  throw new Error(
    'bench/chaos kills servers of its stack: give it one of its own (--private-stack DIR), never the shared .stack',
  );
const stopOwnStack = async () => {
  if (!ownStack) return;
  say(`stopping the private stack ${ownStack.IOTP_STACK_DIR}`);
  await privateStackDown(ownStack).catch((error: unknown) => say(`down.sh failed: ${String(error)}`));
};

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    say(`${signal}: stopping the workers, putting the stack back, then exiting`);
    void stopEveryChaosWorker()
      .then(async () => {
        if (ownStack) await stopOwnStack();
        else await restoreStack();
      })
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
}).finally(stopOwnStack);
const outDir = join(repoRoot, 'bench', 'out', 'chaos');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `${report.startedAt.replaceAll(':', '-')}-${report.plan}`);
const text = reportText(report);
writeFileSync(`${file}.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${file}.txt`, text);
process.stdout.write(`${text}report: ${file}.json\n`);
process.exit(report.pass ? 0 : 1);
