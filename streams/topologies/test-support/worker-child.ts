import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../../lib/runtime/stack-env.js';

/** `iotp streams run ...` as a child process, with its JSON log kept for assertions and failure messages. */
export interface StreamsChild {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  /** Resolves with the metrics port once the worker logged it. */
  port(): Promise<number>;
  /** SIGTERM (clean: commit, leave the group); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Spawns `./bin/iotp streams run <args>` (metrics on a free port) with `env` added.
 *
 * @example
 *   const w = startStreamsChild(['aggregate', '--config', file], {});
 *   const port = await w.port();
 */
export function startStreamsChild(args: string[], env: Record<string, string>): StreamsChild {
  const child = spawn(join(repoRoot, 'bin/iotp'), ['streams', 'run', ...args, '--metrics-port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let resolvePort: (p: number) => void = () => {};
  let rejectPort: (e: Error) => void = () => {};
  const portPromise = new Promise<number>((resolve, reject) => {
    resolvePort = resolve;
    rejectPort = reject;
  });
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-200_000);
    const m = /"port":(\d+)[^\n]*serving \/metrics/.exec(out);
    if (m) resolvePort(Number(m[1]));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      rejectPort(new Error(`worker exited (${code}) before serving metrics:\n${out.slice(-4000)}`));
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    output: () => out,
    port: () => portPromise,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
