import { type logCreator, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

/** kafkajs' log level for a pino level: kafkajs INFO is per-connection chatter, so it shows from pino debug. */
export function kafkajsLogLevel(level: string): logLevel {
  switch (level) {
    case 'trace':
      return logLevel.DEBUG;
    case 'debug':
      return logLevel.INFO;
    case 'silent':
      return logLevel.NOTHING;
    case 'error':
    case 'fatal':
      return logLevel.ERROR;
    default:
      return logLevel.WARN;
  }
}

/**
 * Routes kafkajs logs into pino. kafkajs logs every failed request at ERROR even when it retries it
 * (e.g. "coordinator is loading"), so those become pino warnings; failures that reach the caller are
 * thrown as IotpErrors.
 */
export function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.debug(fields, message);
      else logger.trace(fields, message);
    };
}
