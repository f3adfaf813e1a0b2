import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/**
 * JSON logs (pino) with context: every logger carries `component`; children add topic, partition,
 * deviceId and so on. Level from LOG_LEVEL (default info). Tests may pass `destination`.
 *
 * @example
 *   const log = createLogger('mqtt-source');
 *   log.child({ topic, partition }).warn({ deviceId, reason }, 'dead letter');
 */
export function createLogger(
  component: string,
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const base = { component, pid: process.pid };
  return options.destination
    ? pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, options.destination)
    : pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that writes nothing (for unit tests of components that take a logger). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
