/**
 * `iotp connect mqtt-source` as a child process with extra node arguments (`--cpu-prof`, which node
 * refuses in NODE_OPTIONS): node with tsx's loader as bin/iotp runs it, on source-entry.ts (the
 * connector's run function alone, not the whole CLI).
 *
 * @example
 *   const c = await spawnNodeConnector(configFile, 'prof-0', ['--cpu-prof', '--cpu-prof-dir=/tmp/p']);
 *   await c.stop(); // SIGTERM: the worker's clean stop, then node writes the profile
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../lib/runtime/stack-env.js';

export interface NodeConnector {
  readonly pid: number;
  /** Log lines seen (JSON text). */
  readonly log: string[];
  /** The value of a metric (summed over label sets) from the worker's /metrics. */
  metric(name: string): Promise<number>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
}

/** `root`: the checkout whose connector runs (default this one; another tree for A/B runs). */
export async function spawnNodeConnector(
  configFile: string,
  replica: string,
  nodeArgs: string[],
  root = repoRoot,
  timeoutMs = 60_000,
): Promise<NodeConnector> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--enable-source-maps',
      '--import',
      `file://${join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')}`,
      join(root, 'bench', 'mqtt', 'source-entry.ts'),
      configFile,
      replica,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } },
  );
  const log: string[] = [];
  let port = 0;
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  let exited = false;
  void exit.then(() => {
    exited = true;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connector not running after ${timeoutMs} ms`)), timeoutMs);
    const onLine = (line: string) => {
      if (log.length < 2000) log.push(line);
      const m = /"msg":"worker starting[^"]*".*"port":(\d+)|"port":(\d+).*"msg":"worker starting/.exec(line);
      if (m) port = Number(m[1] ?? m[2]);
      if (line.includes('"msg":"mqtt source running"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`connector exited (${code}) before running:\n${log.slice(-20).join('\n')}`));
    });
  });
  return {
    pid: child.pid as number,
    log,
    async metric(name) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n'))
        if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
          sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      return sum;
    },
    async stop() {
      if (exited) return exit;
      child.kill('SIGTERM');
      return exit;
    },
  };
}
