import { type DestinationStream, destination, type Logger, pino } from 'pino';
import { prettyDestination } from './pretty-log.js';

export type { Logger };

/** `pretty` on a terminal, `json` otherwise; LOG_FORMAT=json|pretty decides instead. */
export type LogFormat = 'json' | 'pretty';

export function logFormat(env: NodeJS.ProcessEnv = process.env, isTTY = process.stdout.isTTY === true): LogFormat {
  const asked = env.LOG_FORMAT?.trim().toLowerCase();
  if (asked === 'json' || asked === 'pretty') return asked;
  return isTTY ? 'pretty' : 'json';
}

/**
 * Logs with context: every logger carries `component`; children add topic, partition, deviceId and
 * so on. JSON lines (pino) for files, pipes and log collectors; readable lines on a terminal
 * (LOG_FORMAT overrides). Level from LOG_LEVEL (default info). Workers log on stdout, commands
 * (`stream: 'stderr'`) on stderr. Tests may pass `destination`.
 *
 * @example
 *   const log = createLogger('mqtt-source');
 *   log.child({ topic, partition }).warn({ deviceId, reason }, 'dead letter');
 */
export function createLogger(
  component: string,
  options: { level?: string; destination?: DestinationStream; stream?: 'stdout' | 'stderr' } = {},
): Logger {
  const level = options.level || process.env.LOG_LEVEL || 'info';
  const base = { component, pid: process.pid };
  const settings = { level, base, timestamp: pino.stdTimeFunctions.isoTime };
  if (options.destination) return pino(settings, options.destination);
  // Commands keep stdout for their output (tables, JSON) and log on stderr.
  const out = options.stream === 'stderr' ? process.stderr : process.stdout;
  if (logFormat(process.env, out.isTTY === true) === 'pretty') return pino(settings, prettyDestination(out));
  return options.stream === 'stderr' ? pino(settings, destination(2)) : pino(settings);
}

/** A logger that writes nothing (for unit tests of components that take a logger). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
