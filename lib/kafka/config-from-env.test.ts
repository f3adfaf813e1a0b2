import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { DEFAULT_KAFKA_BACKEND, kafkaConfigFromEnv } from './config-from-env.js';

const base = { KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.2:19092' };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('kafkaConfigFromEnv', () => {
  it('reads brokers and defaults the backend', () => {
    expect(kafkaConfigFromEnv(base, { clientId: 'c' })).toEqual({
      backend: DEFAULT_KAFKA_BACKEND,
      clientId: 'c',
      brokers: ['127.0.0.1:19092', '127.0.0.2:19092'],
    });
  });

  it('takes KAFKA_BACKEND, and the option over it', () => {
    expect(kafkaConfigFromEnv({ ...base, KAFKA_BACKEND: 'RdKafka' }, { clientId: 'c' }).backend).toBe('rdkafka');
    expect(
      kafkaConfigFromEnv({ ...base, KAFKA_BACKEND: 'rdkafka' }, { clientId: 'c', backend: 'kafkajs' }).backend,
    ).toBe('kafkajs');
  });

  it('names the key and the expected values for a bad backend', () => {
    const e = configError(() => kafkaConfigFromEnv({ ...base, KAFKA_BACKEND: 'librdkafka' }, { clientId: 'c' }));
    expect(e.key).toBe('KAFKA_BACKEND');
    expect(e.message).toContain('kafkajs, rdkafka');
    expect(e.message).toContain('librdkafka');
  });

  it('rejects missing or malformed brokers', () => {
    expect(configError(() => kafkaConfigFromEnv({}, { clientId: 'c' })).key).toBe('KAFKA_BROKERS');
    const e = configError(() => kafkaConfigFromEnv({ KAFKA_BROKERS: 'localhost' }, { clientId: 'c' }));
    expect(e.key).toBe('KAFKA_BROKERS');
    expect(e.message).toContain('host:port');
    expect(configError(() => kafkaConfigFromEnv({ KAFKA_BROKERS: 'h:70000' }, { clientId: 'c' })).key).toBe(
      'KAFKA_BROKERS',
    );
  });

  it('builds SASL_SSL settings', () => {
    const env = {
      KAFKA_SASL_BROKERS: 'h:19094',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
      KAFKA_SSL_CA: import.meta.filename,
    };
    expect(kafkaConfigFromEnv(env, { clientId: 'c', sasl: true })).toEqual({
      backend: DEFAULT_KAFKA_BACKEND,
      clientId: 'c',
      brokers: ['h:19094'],
      ssl: { caFile: import.meta.filename },
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
    });
  });

  it('names each missing or wrong SASL key', () => {
    const env = { KAFKA_SASL_BROKERS: 'h:1', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' };
    expect(
      configError(() => kafkaConfigFromEnv({ ...env, KAFKA_SASL_PASSWORD: '' }, { clientId: 'c', sasl: true })).key,
    ).toBe('KAFKA_SASL_PASSWORD');
    expect(
      configError(() => kafkaConfigFromEnv({ ...env, KAFKA_SASL_MECHANISM: 'gssapi' }, { clientId: 'c', sasl: true }))
        .key,
    ).toBe('KAFKA_SASL_MECHANISM');
    expect(
      configError(() => kafkaConfigFromEnv({ ...env, KAFKA_SSL_CA: '/nope/ca.pem' }, { clientId: 'c', sasl: true }))
        .key,
    ).toBe('KAFKA_SSL_CA');
    expect(kafkaConfigFromEnv(env, { clientId: 'c', sasl: true }).sasl?.mechanism).toBe('scram-sha-256');
  });
});
