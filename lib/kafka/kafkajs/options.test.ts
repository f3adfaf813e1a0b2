import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../runtime/log.js';
import { KAFKAJS_RETRY, kafkajsClientConfig } from './options.js';

describe('kafkajsClientConfig', () => {
  it('states every retry setting, so kafkajs does not take its NODE_ENV=test defaults (50 ms steps, 1 s cap)', () => {
    // vitest runs this file with NODE_ENV=test: the environment the workers a test spawns inherit.
    expect(process.env.NODE_ENV).toBe('test');
    const config = kafkajsClientConfig({ backend: 'kafkajs', clientId: 'c', brokers: ['127.0.0.1:1'] }, silentLogger());
    expect(config.retry).toEqual({
      initialRetryTime: 300,
      maxRetryTime: 30_000,
      factor: 0.2,
      multiplier: 2,
      retries: 5,
    });
    // every key kafkajs takes from its environment-chosen defaults is given here
    const testDefaults = createRequire(import.meta.url)('kafkajs/src/retry/defaults.test.js') as object;
    expect(Object.keys(KAFKAJS_RETRY).sort()).toEqual(Object.keys(testDefaults).sort());
  });
});
