import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipelineWorkers, type WorkerProcess } from '../../demo/worker-process.js';
import { WORKER_ROLES, type WorkerRole } from './plan.js';
import { pidAlive, waitWorkerPid } from './worker-pid.js';

interface Slot {
  role: WorkerRole;
  /** 1, 2, ... */
  replica: number;
  proc: WorkerProcess;
  pid: number | undefined;
  /** running: should be up (the watchdog restarts it if it dies); crashed: exited on its own, the watchdog starts it at restartAfter; down: killed by the plan; stopped: gone for good. */
  state: 'running' | 'down' | 'crashed' | 'stopped';
  /** Exits on its own in a row (since it was last ready), for the watchdog's backoff. */
  crashes: number;
  /** Not restarted by the watchdog before this (ms epoch). */
  restartAfter: number;
  /** Liveness: failed /healthz probes in a row, and when the last probe was sent. */
  healthFailures: number;
  lastProbe: number;
  /** Ready (/readyz 200) since its last start: only then is it probed (a start can take minutes on a loaded box). */
  ready: boolean;
}

/** Liveness probe (as Kubernetes' on /healthz): every 5 s, 3 s timeout, 4 failures in a row = hung. */
const PROBE_EVERY_MS = 5_000;
const PROBE_TIMEOUT_MS = 3_000;
const PROBE_FAILURES = 4;

/**
 * The watchdog's delay before restarting a worker that exited on its own, by exits in a row: 1, 2,
 * 4, 8, 16 s (as an orchestrator's crash-loop backoff). Restarting at once starved the 2 cores while
 * Kafka or Apicurio was recovering: each start of a worker compiles its TypeScript.
 */
export function restartDelayMs(crashes: number): number {
  return Math.min(16_000, 1000 * 2 ** Math.max(0, crashes - 1));
}

/** A started worker: `ready` resolves with the ms from its start until /readyz said 200. */
export interface Started {
  ready: Promise<number>;
}

/** A worker that died without the plan killing it (the watchdog started it again). */
export interface UnplannedExit {
  worker: string;
  /** exited: the process ended on its own; hung: alive, /healthz unanswered (the watchdog killed it -9). */
  reason?: 'exited' | 'hung';
  atMs: number;
  logTail: string;
}

/**
 * The pipeline's workers as processes (demo/worker-process.ts' pipelineWorkers, as `make demo`
 * starts them), with what a fault plan needs: kill -9 one replica, start it again, add replicas,
 * and a watchdog that restarts a worker that exits on its own (as an orchestrator would) and
 * records it.
 */
export class ChaosWorkers {
  /** Every instance not yet stopped: an interrupted run stops them all (stopEveryChaosWorker). */
  static readonly live = new Set<ChaosWorkers>();
  private readonly slots: Slot[] = [];
  readonly unplannedExits: UnplannedExit[] = [];
  private watchdog: NodeJS.Timeout | undefined;
  private readonly say: (text: string) => void;

  constructor(
    private readonly logDir: string,
    private readonly env: Record<string, string>,
    private readonly sourceReplica: string,
    say: (text: string) => void,
  ) {
    this.say = say;
    ChaosWorkers.live.add(this);
  }

  /** Replica 1 of every role, started and ready. */
  async startAll(readyTimeoutMs = 300_000): Promise<void> {
    const set = pipelineWorkers(this.logDir, this.env, this.sourceReplica);
    for (const role of WORKER_ROLES)
      this.slots.push({
        role,
        replica: 1,
        proc: set[role],
        pid: undefined,
        state: 'down',
        crashes: 0,
        restartAfter: 0,
        healthFailures: 0,
        lastProbe: 0,
        ready: false,
      });
    for (const slot of this.slots) await this.launch(slot);
    await Promise.all(this.slots.map((s) => s.proc.waitReady(readyTimeoutMs)));
    this.watchdog = setInterval(() => void this.check(), 1000);
  }

  /** Starts one more replica of `role` (own log directory). */
  async addReplica(role: WorkerRole, env: Record<string, string> = {}): Promise<Started> {
    const replica = Math.max(0, ...this.slots.filter((s) => s.role === role).map((s) => s.replica)) + 1;
    const dir = join(this.logDir, `replica-${replica}`);
    mkdirSync(dir, { recursive: true });
    const set = pipelineWorkers(dir, { ...this.env, ...env }, `${this.sourceReplica}-${replica}`);
    const slot: Slot = {
      role,
      replica,
      proc: set[role],
      pid: undefined,
      state: 'down',
      crashes: 0,
      restartAfter: 0,
      healthFailures: 0,
      lastProbe: 0,
      ready: false,
    };
    this.slots.push(slot);
    return this.launch(slot);
  }

  /** SIGKILL to the replica's process; resolves once it is gone. */
  async kill9(role: WorkerRole, replica = 1): Promise<void> {
    const slot = this.slot(role, replica);
    slot.state = 'down';
    if (slot.pid === undefined || !pidAlive(slot.pid)) return;
    process.kill(slot.pid, 'SIGKILL');
    while (pidAlive(slot.pid)) await sleep(20);
  }

  /** Starts a killed replica again. */
  async restart(role: WorkerRole, replica = 1): Promise<Started> {
    return this.launch(this.slot(role, replica));
  }

  /** SIGTERM (a clean stop) to every replica of `role`; they stay stopped. */
  async stopRole(role: WorkerRole): Promise<void> {
    const slots = this.slots.filter((s) => s.role === role && s.state !== 'stopped');
    for (const s of slots) s.state = 'stopped';
    await Promise.all(slots.map((s) => s.proc.stop()));
  }

  /** Replicas per role that should be running now. */
  replicas(role: WorkerRole): number {
    return this.slots.filter((s) => s.role === role && (s.state === 'running' || s.state === 'crashed')).length;
  }

  /** Log files of every replica that ran (for the report). */
  logFiles(): string[] {
    return this.slots.map((s) => s.proc.logFile);
  }

  /** Stops every worker cleanly (SIGTERM, SIGKILL after 30 s) and the watchdog. */
  async stopAll(): Promise<void> {
    ChaosWorkers.live.delete(this);
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    for (const s of this.slots) if (s.state === 'running' || s.state === 'crashed') s.state = 'stopped';
    await Promise.all(this.slots.map((s) => s.proc.stop()));
  }

  private slot(role: WorkerRole, replica: number): Slot {
    const slot = this.slots.find((s) => s.role === role && s.replica === replica);
    if (!slot) throw new Error(`no replica ${replica} of ${role}`);
    return slot;
  }

  private async launch(slot: Slot): Promise<Started> {
    const t0 = Date.now();
    await slot.proc.start();
    slot.pid = await waitWorkerPid(slot.proc.port);
    slot.state = 'running';
    slot.healthFailures = 0;
    slot.lastProbe = Date.now();
    slot.ready = false;
    const ready = slot.proc.waitReady(300_000).then(() => {
      slot.crashes = 0;
      slot.ready = true;
      return Date.now() - t0;
    });
    ready.catch(() => undefined); // the caller may not wait; the watchdog handles a death
    return { ready };
  }

  private checking = false;

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.checkSlots();
    } finally {
      this.checking = false;
    }
  }

  /** True when the live process of a running slot failed PROBE_FAILURES liveness probes in a row. */
  private async hung(slot: Slot): Promise<boolean> {
    if (!slot.ready || Date.now() - slot.lastProbe < PROBE_EVERY_MS) return false;
    slot.lastProbe = Date.now();
    const ok = await fetch(`http://127.0.0.1:${slot.proc.port}/healthz`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    })
      .then((res) => res.status === 200)
      .catch(() => false);
    slot.healthFailures = ok ? 0 : slot.healthFailures + 1;
    return slot.healthFailures >= PROBE_FAILURES;
  }

  private async checkSlots(): Promise<void> {
    for (const slot of this.slots) {
      const name = `${slot.role}#${slot.replica}`;
      if (slot.state === 'crashed' && Date.now() >= slot.restartAfter) {
        slot.state = 'down';
        await this.launch(slot).catch((error: unknown) => this.say(`could not restart ${name}: ${String(error)}`));
        continue;
      }
      if (slot.state !== 'running' || slot.pid === undefined) continue;
      let reason: 'exited' | 'hung' = 'exited';
      if (pidAlive(slot.pid)) {
        if (!(await this.hung(slot)) || slot.state !== 'running') continue;
        // the process lives on but its /healthz is gone (seen: a worker that logged "stopped cleanly"
        // after a fatal error and never exited): a liveness probe would kill it
        reason = 'hung';
        process.kill(slot.pid, 'SIGKILL');
        while (pidAlive(slot.pid)) await sleep(20);
      }
      slot.healthFailures = 0;
      const logTail = slot.proc.tail(15);
      this.unplannedExits.push({ worker: name, reason, atMs: Date.now(), logTail });
      slot.crashes += 1;
      const delay = restartDelayMs(slot.crashes);
      this.say(
        `UNPLANNED: ${name} ${reason === 'hung' ? `hung (/healthz unanswered ${PROBE_FAILURES} times in a row, process alive): killed -9` : 'exited on its own'} (${slot.crashes} in a row); starting it again in ${delay / 1000} s. Log tail:\n${logTail}`,
      );
      slot.state = 'crashed';
      slot.restartAfter = Date.now() + delay;
    }
  }
}

/** Stops the workers of every run still going (an interrupted run: they would outlive it). */
export async function stopEveryChaosWorker(): Promise<void> {
  await Promise.all([...ChaosWorkers.live].map((w) => w.stopAll()));
}
