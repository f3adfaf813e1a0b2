import { spawnIotp } from '../../../test/helpers/child-process.js';

/**
 * `iotp connect mqtt-source` as a child process (the real CLI, the real worker), for crash tests
 * and benchmarks: `kill9()` sends SIGKILL, so nothing of the connector's shutdown path runs. A view
 * of the one child-process helper (test/helpers/child-process.ts) that waits for the connector to
 * run.
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

/** Starts a replica and resolves once it logged `mqtt source running`. */
export async function spawnConnector(
  configFile: string,
  replica: string,
  timeoutMs = 60_000,
): Promise<ConnectorProcess> {
  const child = spawnIotp(['connect', 'mqtt-source', '--config', configFile, '--replica', replica], {
    logLevel: 'info',
  });
  await child.waitForLog('mqtt source running', timeoutMs);
  const port = await child.port();
  return {
    pid: child.pid,
    port,
    metric: (name) => child.metric(name),
    kill9: () => child.kill9(),
    stop: () => child.stop(),
    get exited() {
      return !child.alive;
    },
    get log() {
      return child.lines();
    },
  };
}
