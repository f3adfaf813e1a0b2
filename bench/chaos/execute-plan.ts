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
 * Carries out a plan: each step at its time (worker steps may overlap). The stack's servers take
 * their turn: a server fault starts at its time or once the previous one's server is back, if
 * later (one up.sh starts every server that is down, so overlapping server faults would stretch
 * each other's outage to the slowest restart). Resolves when every step is done and every
 * restarted worker was ready (or failed to be).
 */
export async function executePlan(plan: FaultPlan, ctx: PlanContext): Promise<FaultRecord[]> {
  let turn: Promise<void> = Promise.resolve();
  const byTime = plan.steps.map((step, i) => ({ step, i })).sort((a, b) => a.step.at - b.step.at);
  const runs: Promise<FaultRecord>[] = [];
  for (const { step, i } of byTime) {
    if (step.fault === 'scale-out' || !isServer(step.target)) {
      runs[i] = runStep(step, ctx);
      continue;
    }
    let restored: () => void = () => {};
    const mine = new Promise<void>((resolve) => {
      restored = resolve;
    });
    runs[i] = runStep(step, ctx, { after: turn, restored });
    turn = mine;
  }
  return Promise.all(runs);
}

interface Turn {
  /** Resolves once the previous server fault's server is back. */
  after: Promise<void>;
  /** Called once this step's server is back (or the step failed). */
  restored(): void;
}

async function runStep(step: FaultStep, ctx: PlanContext, turn?: Turn): Promise<FaultRecord> {
  const now = () => Math.round((Date.now() - ctx.t0) / 100) / 10;
  await sleep(Math.max(0, ctx.t0 + step.at * 1000 - Date.now()));
  const waitFrom = now();
  if (turn) await turn.after;
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
  if (record.at - waitFrom >= 1)
    record.notes.push(
      `started ${(record.at - waitFrom).toFixed(1)} s late: the previous stack fault's server was not back yet`,
    );
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
  } finally {
    turn?.restored();
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
  // a worker started while the server is unreachable must wait for it, not give up
  const restartDuring = async (state: string) => {
    if (!step.restartDuring) return;
    await sleep(2000);
    record.notes.push(`${step.restartDuring}#1 killed -9 and started again at t=${now()}s, ${server} ${state}`);
    await workerKill(step.restartDuring, 1, 0, ctx, watchReady, { ...record, notes: [] }, now);
  };
  const until = (s: number) => sleep(Math.max(0, ctx.t0 + s * 1000 - Date.now()));
  if (step.fault === 'pause') {
    await signalServer(server, 'STOP');
    await restartDuring('paused');
    await until(step.at + step.duration);
    await signalServer(server, 'CONT');
    record.restoredAt = now();
    return;
  }
  await signalServer(server, step.fault === 'kill9' ? 'KILL' : 'TERM');
  if (step.fault === 'stop') record.notes.push(`${server} exited ${(now() - record.at).toFixed(1)} s after SIGTERM`);
  await restartDuring('down');
  await until(record.at + step.duration);
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
