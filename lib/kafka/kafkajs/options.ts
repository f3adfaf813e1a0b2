import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';
import type { Logger } from 'pino';
import { ConfigError } from '../../errors.js';
import type { KafkaClientConfig, ProducerOptions } from '../types.js';
import { kafkajsLogLevel, pinoLogCreator } from './log-creator.js';

/** The kafkajs client settings for the seam's config (TLS CA read from its file, SASL as given). */
export function kafkajsClientConfig(config: KafkaClientConfig, logger: Logger): KafkaConfig {
  const out: KafkaConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: 5000,
    logLevel: kafkajsLogLevel(logger.level),
    logCreator: pinoLogCreator(logger),
  };
  if (config.ssl) {
    out.ssl = {
      rejectUnauthorized: config.ssl.rejectUnauthorized ?? true,
      ...(config.ssl.caFile ? { ca: [readFileSync(config.ssl.caFile, 'utf8')] } : {}),
    };
  }
  if (config.sasl) {
    const { username, password } = config.sasl;
    out.sasl =
      config.sasl.mechanism === 'plain'
        ? { mechanism: 'plain', username, password }
        : config.sasl.mechanism === 'scram-sha-256'
          ? { mechanism: 'scram-sha-256', username, password }
          : { mechanism: 'scram-sha-512', username, password };
  }
  return out;
}

/** kafkajs ships only gzip; other codecs would need codec packages registered globally. */
export function kafkajsCompression(compression: ProducerOptions['compression']): 0 | 1 {
  if (compression === undefined || compression === 'none') return 0;
  if (compression === 'gzip') return 1;
  throw new ConfigError('compression', `expected none or gzip with the kafkajs backend, got "${compression}"`);
}
