import type { GlobalConfig } from 'node-rdkafka';
import type { Logger } from 'pino';
import { ConfigError } from '../../errors.js';
import type { KafkaClientConfig, ProducerOptions } from '../types.js';

/** librdkafka's syslog level for a pino level. */
function logLevel(level: string): number {
  switch (level) {
    case 'trace':
      return 7;
    case 'debug':
      return 6;
    case 'silent':
    case 'fatal':
      return 2;
    case 'error':
      return 3;
    default:
      return 4;
  }
}

/** librdkafka settings shared by every client: brokers, TLS, SASL, logs routed to pino (event_cb). */
export function rdkafkaBaseConfig(config: KafkaClientConfig, logger: Logger): GlobalConfig {
  const out: GlobalConfig = {
    'client.id': config.clientId,
    'metadata.broker.list': config.brokers.join(','),
    'security.protocol': config.ssl ? (config.sasl ? 'sasl_ssl' : 'ssl') : config.sasl ? 'sasl_plaintext' : 'plaintext',
    log_level: logLevel(logger.level),
    event_cb: true,
  };
  if (config.ssl) {
    if (config.ssl.caFile) out['ssl.ca.location'] = config.ssl.caFile;
    out['enable.ssl.certificate.verification'] = config.ssl.rejectUnauthorized ?? true;
  }
  if (config.sasl) {
    out['sasl.mechanisms'] = config.sasl.mechanism.toUpperCase();
    out['sasl.username'] = config.sasl.username;
    out['sasl.password'] = config.sasl.password;
  }
  return out;
}

/** librdkafka's codec name; this build of librdkafka has no zstd. */
export function rdkafkaCompression(compression: ProducerOptions['compression']): 'none' | 'gzip' | 'snappy' | 'lz4' {
  if (compression === undefined) return 'none';
  if (compression === 'zstd')
    throw new ConfigError(
      'compression',
      'expected none, gzip, snappy or lz4 with the rdkafka backend (built without zstd), got "zstd"',
    );
  return compression;
}

interface LogEvent {
  severity?: number;
  fac?: string;
  message?: string;
}
interface ErrorEvent {
  message?: string;
  code?: number;
  isFatal?: boolean;
}
interface EventSource {
  on(event: 'event.log', listener: (e: LogEvent) => void): unknown;
  on(event: 'event.error', listener: (e: ErrorEvent) => void): unknown;
}

/** Routes a client's librdkafka logs and error events to pino. */
export function routeRdkafkaLogs(client: EventSource, logger: Logger, onFatal?: (e: ErrorEvent) => void): void {
  client.on('event.log', (e: LogEvent) => {
    const fields = { rdkafka: e.fac };
    if ((e.severity ?? 7) <= 3) logger.warn(fields, e.message ?? '');
    else if ((e.severity ?? 7) <= 5) logger.info(fields, e.message ?? '');
    else logger.debug(fields, e.message ?? '');
  });
  client.on('event.error', (e: ErrorEvent) => {
    logger.warn({ rdkafka: 'error', code: e.code, fatal: e.isFatal }, e.message ?? 'librdkafka error');
    if (e.isFatal) onFatal?.(e);
  });
}
