import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../../lib/runtime/stack-env.js';

/**
 * `iotp connect mqtt-source` as a child process (the real CLI, the real worker), for crash tests:
 * `kill9()` sends SIGKILL, so nothing of the connector's shutdown path runs.
 */
export interface ConnectorProcess {
  readonly pid: number;
  /** Port of /metrics /healthz /readyz (from the worker's start log). */
  readonly port: number;
  /** The value of a metric (summed over label sets) from /metrics. */
  metric(name: string): Promise<number>;
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  readonly exited: boolean;
  /** Log lines seen (JSON text), for failure messages. */
  readonly log: string[];
}

export async function spawnConnector(
  configFile: string,
  replica: string,
  timeoutMs = 60_000,
): Promise<ConnectorProcess> {
  const child: ChildProcess = spawn(
    join(repoRoot, 'bin', 'iotp'),
    ['connect', 'mqtt-source', '--config', configFile, '--replica', replica, '--metrics-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } },
  );
  const log: string[] = [];
  let exited = false;
  const exit = once(child, 'exit').then(([code]) => {
    exited = true;
    return code as number | null;
  });
  let port = 0;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`connector not running after ${timeoutMs} ms:\n${log.slice(-20).join('\n')}`)),
      timeoutMs,
    );
    const onLine = (line: string) => {
      if (log.length < 2000) log.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg?.startsWith('worker starting') && entry.port) port = entry.port;
        if (entry.msg === 'mqtt source running') {
          clearTimeout(timer);
          resolve();
        }
      } catch {
        // not JSON (stderr text): kept in the log
      }
    };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`connector exited (${code}) before running:\n${log.slice(-20).join('\n')}`));
    });
  });
  await ready;
  return {
    pid: child.pid as number,
    port,
    async metric(name) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
          sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    async kill9() {
      if (exited) return;
      child.kill('SIGKILL');
      await exit;
    },
    async stop() {
      if (exited) return exit;
      child.kill('SIGTERM');
      return exit;
    },
    get exited() {
      return exited;
    },
    log,
  };
}
