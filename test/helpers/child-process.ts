import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { scrapeMetric } from './prometheus.js';

export { freePort } from '../../lib/runtime/free-port.js';

/**
 * A worker (or command) running as a child process: the process is the worker itself (no
 * wrapper), so `kill9()` reaches it and nothing of its shutdown path runs. Its stdout and stderr
 * are kept (JSON log lines) for assertions and failure messages.
 */
export interface ChildWorker {
  readonly child: ChildProcess;
  readonly pid: number;
  /** /metrics /healthz /readyz port: METRICS_PORT when given, else the one the worker logged at start (info level). */
  port(): Promise<number>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** False once the process has exited. */
  readonly alive: boolean;
  /** stdout + stderr so far (the last 200 kB). */
  output(): string;
  /** Log lines seen so far (at most 5000). */
  lines(): string[];
  /** Resolves once a JSON log line has `msg` (rejects if the process exits first or after `timeoutMs`). */
  waitForLog(msg: string, timeoutMs?: number): Promise<void>;
  /** Polls /readyz until 200 (true), the process exits or `timeoutMs` passes (false). */
  waitReady(timeoutMs: number): Promise<boolean>;
  /** The sum of a metric's samples from /metrics; 0 when absent or unreachable. */
  metric(name: string): Promise<number>;
  kill9(): Promise<void>;
  /** SIGTERM (a clean close) and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface SpawnOptions {
  /** Added to the current environment (or, with `cleanEnv`, to PATH and HOME only). */
  env?: Record<string, string>;
  /** Start from an empty environment (PATH and HOME kept): nothing leaks in from the test's. */
  cleanEnv?: boolean;
  /** Default `warn` (`info` when the caller waits for log lines). */
  logLevel?: string;
}

/**
 * `bin/iotp <args>` as a child process.
 *
 * @example
 *   const sink = spawnIotp(['sink', 'influxdb'], { env: { METRICS_PORT: String(await freePort()) } });
 *   await sink.waitReady(60_000);
 */
export function spawnIotp(args: string[], options: SpawnOptions = {}): ChildWorker {
  return spawnWorker(join(repoRoot, 'bin', 'iotp'), args, options);
}

/** A TypeScript entry point (`node --import tsx <script>`) as a child process, e.g. a test worker. */
export function spawnTsx(script: string, args: string[], options: SpawnOptions = {}): ChildWorker {
  const loader = `file://${join(repoRoot, 'node_modules/tsx/dist/loader.mjs')}`;
  return spawnWorker(process.execPath, ['--import', loader, join(repoRoot, script), ...args], options);
}

function spawnWorker(command: string, args: string[], options: SpawnOptions): ChildWorker {
  const base: Record<string, string | undefined> = options.cleanEnv
    ? { PATH: process.env.PATH, HOME: process.env.HOME }
    : process.env;
  const env: Record<string, string | undefined> = {
    ...base,
    LOG_LEVEL: options.logLevel ?? 'warn',
    METRICS_PORT: '0',
    ...options.env,
  };
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let knownPort = Number(env.METRICS_PORT) || undefined;
  let resolvePort: (port: number) => void = () => {};
  const portPromise = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });
  if (knownPort) resolvePort(knownPort);
  let out = '';
  const lines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  let partial = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    out = (out + text).slice(-200_000);
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (lines.length < 5000) lines.push(line);
      if (knownPort === undefined && line.includes('serving /metrics')) {
        const m = /"port":(\d+)/.exec(line);
        if (m) {
          knownPort = Number(m[1]);
          resolvePort(knownPort);
        }
      }
      for (const w of waiters) w(line);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running = false;
      resolve(code);
    }),
  );
  const handle: ChildWorker = {
    child,
    pid: child.pid ?? 0,
    port: () => portPromise,
    exited,
    get alive() {
      return running;
    },
    output: () => out,
    lines: () => [...lines],
    waitForLog: (msg, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const matches = (line: string) => {
          try {
            return (JSON.parse(line) as { msg?: string }).msg === msg;
          } catch {
            return false;
          }
        };
        if (lines.some(matches)) return resolve();
        const done = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(onLine);
          if (error) reject(error);
          else resolve();
        };
        const onLine = (line: string) => {
          if (matches(line)) done();
        };
        const timer = setTimeout(
          () => done(new Error(`no log "${msg}" after ${timeoutMs} ms:\n${out.slice(-4000)}`)),
          timeoutMs,
        );
        waiters.add(onLine);
        void exited.then((code) => done(new Error(`exited (${code}) before logging "${msg}":\n${out.slice(-4000)}`)));
      }),
    waitReady: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && running) {
        if (knownPort === undefined) {
          await sleep(100);
          continue;
        }
        const ok = await fetch(`http://127.0.0.1:${knownPort}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return true;
        await sleep(100);
      }
      return false;
    },
    metric: async (name) => (knownPort === undefined ? 0 : ((await scrapeMetric(knownPort, name)) ?? 0)),
    kill9: async () => {
      if (running) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (running) child.kill('SIGTERM');
      return exited;
    },
  };
  return handle;
}
