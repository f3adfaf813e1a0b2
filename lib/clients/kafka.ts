import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { PipelineConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { createKafkaClient } from '../kafka/index.js';
import type { KafkaClient, KafkaClientConfig } from '../kafka/types.js';

/** What the Kafka client needs of the config: its `kafka:` section and, optionally, where the file is. */
export type KafkaConfigSource = Pick<PipelineConfig, 'kafka'> & { source?: { baseDir: string } };

/**
 * The Kafka seam's settings from the pipeline config's `kafka:` section: backend, brokers, TLS and
 * SASL, with the client id `<kafka.clientId>-<role>`. A relative `kafka.ssl.caFile` resolves from
 * the config file's directory. Every worker and command builds its Kafka client through here, so
 * what the YAML says reaches all of them.
 *
 * @example
 *   kafkaClientConfig(config, 'lag'); // { backend: 'kafkajs', brokers: ['127.0.0.1:19094'], clientId: 'iotp-lag', ssl: {...}, sasl: {...} }
 */
export function kafkaClientConfig(config: KafkaConfigSource, role: string): KafkaClientConfig {
  const k = config.kafka;
  const out: KafkaClientConfig = { backend: k.backend, brokers: k.brokers, clientId: `${k.clientId}-${role}` };
  if (k.ssl) {
    const caFile =
      k.ssl.caFile && !isAbsolute(k.ssl.caFile) && config.source
        ? resolve(config.source.baseDir, k.ssl.caFile)
        : k.ssl.caFile;
    if (caFile !== undefined && !existsSync(caFile))
      throw new ConfigError('kafka.ssl.caFile', `expected a readable PEM file, got "${caFile}" which does not exist`);
    out.ssl = { rejectUnauthorized: k.ssl.rejectUnauthorized, ...(caFile ? { caFile } : {}) };
  }
  if (k.sasl) out.sasl = { mechanism: k.sasl.mechanism, username: k.sasl.username, password: k.sasl.password };
  return out;
}

/**
 * The Kafka client of one worker or command, from the pipeline config (see `kafkaClientConfig`).
 *
 * @example
 *   const client = kafkaClientFrom(config, 'setup', log.child({ client: 'kafka' }));
 */
export function kafkaClientFrom(config: KafkaConfigSource, role: string, logger?: Logger): KafkaClient {
  return createKafkaClient({ ...kafkaClientConfig(config, role), ...(logger ? { logger } : {}) });
}
