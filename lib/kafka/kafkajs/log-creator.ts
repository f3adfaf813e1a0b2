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
 * kafkajs warns so whenever an idempotent producer's retries are bounded, which the seam's stated
 * retry settings (options.ts) always do. The bound is deliberate: after kafkajs' retries (~9 s) a send
 * fails and its caller handles it (the MQTT source retries it and PUBACKs nothing before Kafka acked;
 * the at-least-once stream runtime restarts from its last commit), where unbounded retries would hang
 * a worker through an outage. Exactly-once paths use transactions, which this does not concern.
 */
export const BOUNDED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

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
      if (message === BOUNDED_RETRIES_WARNING) logger.debug(fields, message);
      else if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.debug(fields, message);
      else logger.trace(fields, message);
    };
}
