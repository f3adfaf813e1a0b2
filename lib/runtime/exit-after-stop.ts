import type { Logger } from './log.js';

/**
 * Ends the process `graceMs` after a worker has stopped, if something still holds the event loop
 * open. A supervisor (the chaos watchdog, systemd, Kubernetes with restartPolicy) restarts only a
 * process that exits; a worker that stopped after a fatal error but kept, say, a Kafka consumer's
 * heartbeat alive would hold its partitions and never be restarted. The timer is unref'd: a process
 * with nothing left open exits at once, as before. The exit code is `process.exitCode` (1 after a
 * fatal error or a failed stop).
 */
export function exitAfterStop(
  log: Logger,
  graceMs = 3000,
  exit: (code: number) => void = (code) => process.exit(code),
): NodeJS.Timeout {
  const timer = setTimeout(() => {
    const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
    log.warn({ graceMs, code }, 'something still holds the process open after the worker stopped; exiting');
    exit(code);
  }, graceMs);
  timer.unref();
  return timer;
}
