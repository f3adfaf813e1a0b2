import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';
import type { Logger } from 'pino';
import { ConfigError } from '../../errors.js';
import type { KafkaClientConfig, ProducerOptions } from '../types.js';
import { kafkajsLogLevel, pinoLogCreator } from './log-creator.js';

/**
 * kafkajs' production retry defaults, stated: kafkajs picks its retry defaults from NODE_ENV, and
 * under NODE_ENV=test (which vitest sets, and every worker a test spawns inherits) they shrink to
 * 50 ms steps capped at 1 s, so a retriable broker error such as CONCURRENT_TRANSACTIONS (normal
 * while the coordinator writes the previous transaction's markers) exhausted a transactional send's
 * 5 retries in ~0.7 s and failed a CI run of `make demo`. Workers must behave the same in tests.
 */
export const KAFKAJS_RETRY = {
  initialRetryTime: 300,
  maxRetryTime: 30_000,
  factor: 0.2,
  multiplier: 2,
  retries: 5,
} as const;

/** The kafkajs client settings for the seam's config (TLS CA read from its file, SASL as given). */
export function kafkajsClientConfig(config: KafkaClientConfig, logger: Logger): KafkaConfig {
  const out: KafkaConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: 5000,
    retry: { ...KAFKAJS_RETRY },
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
