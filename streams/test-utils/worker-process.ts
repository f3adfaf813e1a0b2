import { type ChildProcess, spawn } from 'node:child_process';
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
}

/**
 * Spawns `node <tsx loader> streams/runtime/kafka/run-topology.ts <module>` with `env` added to the
 * current environment. The process is the worker itself (no wrapper), so kill -9 reaches it.
 */
export function startWorker(module: string, env: Record<string, string>): WorkerProcess {
  const loader = `file://${join(repoRoot, 'node_modules/tsx/dist/loader.mjs')}`;
  const child = spawn(
    process.execPath,
    ['--import', loader, join(repoRoot, 'streams/runtime/kafka/run-topology.ts'), module],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
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
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
