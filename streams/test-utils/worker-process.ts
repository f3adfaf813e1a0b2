import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../../lib/runtime/stack-env.js';

/** A streams worker running as a child process (run-topology.ts), for kill -9 and rebalance tests. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** stdout + stderr so far (JSON logs), for failure messages. */
  output(): string;
  kill9(): Promise<void>;
  /** SIGTERM: a clean close (commit, leave the group). */
  stop(): Promise<number | null>;
  /** Polls the worker's /readyz until it answers 200 (true) or `timeoutMs` passes (false). */
  waitReady(timeoutMs: number): Promise<boolean>;
}

/** A TCP port free right now on 127.0.0.1 (for a worker's metrics server). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/**
 * Spawns `node <tsx loader> streams/runtime/kafka/run-topology.ts <module>` with `env` added to the
 * current environment. The process is the worker itself (no wrapper), so kill -9 reaches it.
 */
export async function startWorker(module: string, env: Record<string, string>): Promise<WorkerProcess> {
  const port = await freePort();
  const loader = `file://${join(repoRoot, 'node_modules/tsx/dist/loader.mjs')}`;
  const child = spawn(
    process.execPath,
    ['--import', loader, join(repoRoot, 'streams/runtime/kafka/run-topology.ts'), module],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', STREAMS_METRICS_PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => out,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    waitReady: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
        const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
