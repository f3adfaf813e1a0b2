import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { KafkaBackend, KafkaClientConfig } from './types.js';

/**
 * The backend used when KAFKA_BACKEND is not set, chosen from bench/kafka/produce-consume.ts
 * (figures in docs/BENCHMARKS.md, "Kafka client backends").
 */
export const DEFAULT_KAFKA_BACKEND: KafkaBackend = 'kafkajs';

const BACKENDS: readonly KafkaBackend[] = ['kafkajs', 'rdkafka'];
const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
type Mechanism = (typeof MECHANISMS)[number];

export interface KafkaEnvOptions {
  clientId: string;
  /** Use the SASL_SSL listener (KAFKA_SASL_* and KAFKA_SSL_CA) instead of KAFKA_BROKERS. */
  sasl?: boolean;
  /** Overrides KAFKA_BACKEND. */
  backend?: KafkaBackend;
}

/**
 * For tests and benchmarks (test/helpers/kafka.ts): workers and commands build their client from
 * the pipeline YAML (lib/clients), never from here.
 *
 * Reads the Kafka client settings from an environment map (e.g. `loadStackEnv()`):
 * KAFKA_BACKEND (kafkajs|rdkafka), KAFKA_BROKERS (host:port,...), and with `sasl: true`
 * KAFKA_SASL_BROKERS, KAFKA_SASL_MECHANISM (plain|scram-sha-256|scram-sha-512, default scram-sha-256),
 * KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SSL_CA (PEM file; absent: the system CAs).
 * Throws a ConfigError naming the key and the expected value.
 *
 * @example
 *   const client = createKafkaClient(kafkaConfigFromEnv(loadStackEnv(), { clientId: 'mqtt-source' }));
 */
export function kafkaConfigFromEnv(
  env: Record<string, string | undefined>,
  options: KafkaEnvOptions,
): KafkaClientConfig {
  const backend = options.backend ?? parseBackend(env.KAFKA_BACKEND);
  if (!options.sasl) {
    return { backend, clientId: options.clientId, brokers: parseBrokers('KAFKA_BROKERS', env.KAFKA_BROKERS) };
  }
  const caFile = nonEmpty(env.KAFKA_SSL_CA);
  if (caFile !== undefined && !existsSync(caFile))
    throw new ConfigError('KAFKA_SSL_CA', `expected a readable PEM file, got "${caFile}" which does not exist`);
  return {
    backend,
    clientId: options.clientId,
    brokers: parseBrokers('KAFKA_SASL_BROKERS', env.KAFKA_SASL_BROKERS),
    ssl: caFile === undefined ? {} : { caFile },
    sasl: {
      mechanism: parseMechanism(env.KAFKA_SASL_MECHANISM),
      username: required('KAFKA_SASL_USERNAME', env.KAFKA_SASL_USERNAME, 'the SASL user name'),
      password: required('KAFKA_SASL_PASSWORD', env.KAFKA_SASL_PASSWORD, 'the SASL password'),
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function required(key: string, value: string | undefined, what: string): string {
  const v = nonEmpty(value);
  if (v === undefined) throw new ConfigError(key, `expected ${what}, but it is not set`);
  return v;
}

function parseBackend(value: string | undefined): KafkaBackend {
  const v = nonEmpty(value);
  if (v === undefined) return DEFAULT_KAFKA_BACKEND;
  const lower = v.toLowerCase();
  if ((BACKENDS as readonly string[]).includes(lower)) return lower as KafkaBackend;
  throw new ConfigError('KAFKA_BACKEND', `expected one of ${BACKENDS.join(', ')}, got "${v}"`);
}

function parseMechanism(value: string | undefined): Mechanism {
  const v = nonEmpty(value)?.toLowerCase() ?? 'scram-sha-256';
  if ((MECHANISMS as readonly string[]).includes(v)) return v as Mechanism;
  throw new ConfigError('KAFKA_SASL_MECHANISM', `expected one of ${MECHANISMS.join(', ')}, got "${value}"`);
}

function parseBrokers(key: string, value: string | undefined): string[] {
  const list = required(key, value, 'a comma-separated list of host:port')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  for (const broker of list) {
    const m = /^(.+):(\d{1,5})$/.exec(broker);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535)
      throw new ConfigError(key, `expected a comma-separated list of host:port, got "${broker}" in "${value}"`);
  }
  if (list.length === 0) throw new ConfigError(key, 'expected a comma-separated list of host:port, got nothing');
  return list;
}
