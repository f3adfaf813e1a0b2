import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosWorkers } from './chaos-workers.js';
import { type FaultPlan, type FaultStep, isServer, type StackServer, type WorkerRole } from './plan.js';
import { signalServer, startStack } from './stack-control.js';

/** One step as carried out; times in seconds since the load started. */
export interface FaultRecord {
  name: string;
  fault: FaultStep['fault'];
  target: FaultStep['target'];
  plannedAt: number;
  at: number;
  /** The target was back (started again and, for a server, healthy; resumed). */
  restoredAt: number | undefined;
  /** Seconds a restarted worker took to be ready again (/readyz), per worker. */
  readyAfterS: Record<string, number>;
  notes: string[];
  error?: string;
}

export interface PlanContext {
  workers: ChaosWorkers;
  /** Ms epoch of t = 0 (the load's start). */
  t0: number;
  say(text: string): void;
}

/**
 * Carries out a plan: each step at its time (steps may overlap), each on its own. Resolves when
 * every step is done and every restarted worker was ready (or failed to be).
 */
export async function executePlan(plan: FaultPlan, ctx: PlanContext): Promise<FaultRecord[]> {
  return Promise.all(plan.steps.map((step) => runStep(step, ctx)));
}

async function runStep(step: FaultStep, ctx: PlanContext): Promise<FaultRecord> {
  const now = () => Math.round((Date.now() - ctx.t0) / 100) / 10;
  await sleep(Math.max(0, ctx.t0 + step.at * 1000 - Date.now()));
  const record: FaultRecord = {
    name: step.name,
    fault: step.fault,
    target: step.target,
    plannedAt: step.at,
    at: now(),
    restoredAt: undefined,
    readyAfterS: {},
    notes: [],
  };
  const readies: Promise<void>[] = [];
  const watchReady = (worker: string, ready: Promise<number>) =>
    readies.push(
      ready.then(
        (ms) => {
          record.readyAfterS[worker] = Math.round(ms / 100) / 10;
        },
        (error: unknown) => {
          record.notes.push(`${worker} not ready: ${String(error).slice(0, 300)}`);
        },
      ),
    );
  ctx.say(`t=${record.at}s fault: ${step.name}`);
  try {
    if (step.fault === 'scale-out') await scaleOut(step, ctx, watchReady, record, now);
    else if (isServer(step.target)) await serverFault(step, step.target, ctx, watchReady, record, now);
    else await workerKill(step.target, 1, step.duration, ctx, watchReady, record, now);
  } catch (error) {
    record.error = String(error);
    ctx.say(`fault ${step.name} FAILED: ${record.error}`);
  }
  await Promise.all(readies);
  ctx.say(
    `t=${now()}s done: ${step.name} (restored at t=${record.restoredAt ?? '-'}s${Object.keys(record.readyAfterS).length ? `, ready after ${JSON.stringify(record.readyAfterS)} s` : ''})`,
  );
  return record;
}

type WatchReady = (worker: string, ready: Promise<number>) => void;

async function workerKill(
  role: WorkerRole,
  replica: number,
  downS: number,
  ctx: PlanContext,
  watchReady: WatchReady,
  record: FaultRecord,
  now: () => number,
): Promise<void> {
  await ctx.workers.kill9(role, replica);
  await sleep(downS * 1000);
  watchReady(`${role}#${replica}`, (await ctx.workers.restart(role, replica)).ready);
  record.restoredAt = now();
}

async function serverFault(
  step: FaultStep,
  server: StackServer,
  ctx: PlanContext,
  watchReady: WatchReady,
  record: FaultRecord,
  now: () => number,
): Promise<void> {
  if (step.fault === 'pause') {
    await signalServer(server, 'STOP');
    if (step.restartDuring) {
      await sleep(2000);
      record.notes.push(`${step.restartDuring}#1 killed -9 and started again at t=${now()}s, ${server} paused`);
      await workerKill(step.restartDuring, 1, 0, ctx, watchReady, { ...record, notes: [] }, now);
    }
    await sleep(Math.max(0, ctx.t0 + (step.at + step.duration) * 1000 - Date.now()));
    await signalServer(server, 'CONT');
    record.restoredAt = now();
    return;
  }
  await signalServer(server, step.fault === 'kill9' ? 'KILL' : 'TERM');
  if (step.fault === 'stop') record.notes.push(`${server} exited ${(now() - record.at).toFixed(1)} s after SIGTERM`);
  await sleep(step.duration * 1000);
  const startS = await startStack();
  record.restoredAt = now();
  record.notes.push(`up.sh brought ${server} back (healthy) in ${startS.toFixed(1)} s`);
}

async function scaleOut(
  step: FaultStep,
  ctx: PlanContext,
  watchReady: WatchReady,
  record: FaultRecord,
  now: () => number,
): Promise<void> {
  if (isServer(step.target)) throw new Error(`scale-out of a server (${step.target}) is not a fault this runner knows`);
  for (const role of step.scaleRoles ?? [step.target]) {
    watchReady(`${role}#new`, (await ctx.workers.addReplica(role)).ready);
    record.notes.push(`${role}: replica ${ctx.workers.replicas(role)} started at t=${now()}s`);
  }
  await sleep((step.killAfter ?? 3) * 1000);
  record.notes.push(`${step.target}#1 killed -9 at t=${now()}s (mid-rebalance)`);
  await workerKill(step.target, 1, step.duration, ctx, watchReady, record, now);
}
