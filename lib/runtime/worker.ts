import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { toIotpError } from '../errors.js';
import { startHealthServer } from './health-server.js';
import { createLogger } from './log.js';
import { createRegistry } from './metrics.js';

/** What a worker's `start` receives: everything every worker needs, from one place. */
export interface WorkerContext {
  log: Logger;
  registry: Registry;
  /** Flips /readyz (false until e.g. state is restored and connections are up). */
  setReady(ready: boolean): void;
  /** Aborted when shutdown begins (SIGTERM/SIGINT): stop taking new work. */
  signal: AbortSignal;
}

export interface RunningWorker {
  /** Stop fetching, flush, commit, leave the group, disconnect. Called once on shutdown. */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  component: string;
  /** Port of /metrics, /healthz, /readyz (0 = any free port). */
  port: number;
  start(ctx: WorkerContext): Promise<RunningWorker>;
  /** Stop waits this long for a clean shutdown before exiting with code 1 (default 30 s). */
  shutdownTimeoutMs?: number;
  log?: Logger;
}

export interface WorkerHandle {
  port: number;
  /** Resolves when the worker has stopped (after a signal or `shutdown()`). */
  stopped: Promise<void>;
  shutdown(reason?: string): Promise<void>;
}

/**
 * Runs a worker with the shared operational surface: JSON logs, a metrics registry, the
 * /metrics /healthz /readyz server, and a clean shutdown on SIGTERM or SIGINT.
 *
 * @example
 *   await runWorker({ component: 'influxdb-sink', port: 9400, start: async (ctx) => {
 *     const sink = await startSink(config, ctx);
 *     ctx.setReady(true);
 *     return { stop: () => sink.close() };
 *   }});
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const log = options.log ?? createLogger(options.component);
  const registry = createRegistry(options.component);
  const controller = new AbortController();
  let ready = false;
  let healthy = true;
  const server = await startHealthServer({
    port: options.port,
    registry,
    isReady: () => ready && !controller.signal.aborted,
    isHealthy: () => healthy,
  });
  log.info({ port: server.port }, 'worker starting; serving /metrics /healthz /readyz');

  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let running: RunningWorker | undefined;
  let starting: Promise<RunningWorker> | undefined;
  let shuttingDown: Promise<void> | undefined;

  const shutdown = (reason = 'requested'): Promise<void> => {
    if (shuttingDown) return shuttingDown;
    controller.abort();
    log.info({ reason }, 'shutting down');
    const timeoutMs = options.shutdownTimeoutMs ?? 30_000;
    shuttingDown = (async () => {
      const timer = setTimeout(() => {
        log.error({ timeoutMs }, 'clean shutdown timed out; exiting');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      try {
        // A signal during start: let start finish, then stop what it started.
        await starting?.catch(() => undefined);
        await running?.stop();
        log.info('stopped cleanly');
      } catch (error) {
        healthy = false;
        log.error({ err: toIotpError(error, 'WORKER_STOP_FAILED') }, 'error while stopping');
        process.exitCode = 1;
      } finally {
        clearTimeout(timer);
        process.off('SIGTERM', onSigterm);
        process.off('SIGINT', onSigint);
        await server.close();
        resolveStopped();
      }
    })();
    return shuttingDown;
  };
  const onSigterm = () => void shutdown('SIGTERM');
  const onSigint = () => void shutdown('SIGINT');
  process.on('SIGTERM', onSigterm);
  process.on('SIGINT', onSigint);

  try {
    starting = options.start({
      log,
      registry,
      setReady: (value) => {
        ready = value;
      },
      signal: controller.signal,
    });
    running = await starting;
  } catch (error) {
    healthy = false;
    log.error({ err: toIotpError(error, 'WORKER_START_FAILED') }, 'worker failed to start');
    await shutdown('start failed');
    throw error;
  }
  return { port: server.port, stopped, shutdown };
}
