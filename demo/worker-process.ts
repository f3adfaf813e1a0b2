import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IotpError } from '../lib/errors.js';
import { freePort } from '../lib/runtime/free-port.js';
import { repoRoot } from '../lib/runtime/stack-env.js';

export interface WorkerProcessOptions {
  name: string;
  args: string[];
  logDir: string;
  env: Record<string, string>;
}

/** One `iotp` worker as a separate process: its log in a file, its /metrics on a port of its own. */
export class WorkerProcess {
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  port = 0;

  constructor(private readonly options: WorkerProcessOptions) {
    this.logFile = join(options.logDir, `${options.name}.log`);
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(join(repoRoot, 'bin', 'iotp'), this.options.args, {
      cwd: repoRoot,
      env: { ...process.env, ...this.options.env, METRICS_PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Waits for /readyz to answer 200; fails naming the worker and the end of its log. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) break;
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/readyz`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new IotpError(
      'DEMO_WORKER_NOT_READY',
      `${this.options.name} was not ready within ${timeoutMs} ms; log ${this.logFile}:\n${this.tail(20)}`,
    );
  }

  /** The worker's /metrics text; fails naming the worker, how it exited and the end of its log. */
  async metrics(): Promise<string> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}/metrics`);
      return await res.text();
    } catch (error) {
      const exit = this.child?.exitCode ?? this.child?.signalCode;
      throw new IotpError(
        'DEMO_WORKER_UNREACHABLE',
        `${this.options.name}: /metrics on :${this.port} failed (${exit === null || exit === undefined ? 'still running' : `exited with ${exit}`}); log ${this.logFile}:\n${this.tail(20)}`,
        { cause: error },
      );
    }
  }

  /** SIGTERM, then the worker's own clean shutdown; SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    const code = await this.exited!;
    clearTimeout(timer);
    return code;
  }

  tail(lines: number): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/** The pipeline's four workers, one process each, logging into `logDir` (the demo and bench/e2e). */
export function pipelineWorkers(logDir: string, env: Record<string, string>, sourceReplica: string) {
  const worker = (name: string, args: string[]) => new WorkerProcess({ name, args, logDir, env });
  return {
    source: worker('mqtt-source', ['connect', 'mqtt-source', '--replica', sourceReplica]),
    aggregate: worker('streams-aggregate', ['streams', 'run', 'aggregate']),
    detect: worker('streams-detect', ['streams', 'run', 'detect']),
    sink: worker('influxdb-sink', ['sink', 'influxdb']),
  };
}
