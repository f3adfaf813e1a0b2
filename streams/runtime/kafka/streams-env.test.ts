import { describe, expect, it } from 'vitest';
import { streamsEnv } from './streams-env.js';

describe('streamsEnv', () => {
  it('has defaults and reads overrides', () => {
    expect(streamsEnv({})).toEqual({
      guarantee: 'exactly_once',
      commitIntervalMs: undefined,
      idleTimeoutMs: 0,
      metricsPort: 0,
    });
    expect(
      streamsEnv({
        STREAMS_GUARANTEE: 'at_least_once',
        STREAMS_COMMIT_INTERVAL_MS: '250',
        STREAMS_IDLE_TIMEOUT_MS: '5000',
      }),
    ).toMatchObject({
      guarantee: 'at_least_once',
      commitIntervalMs: 250,
      idleTimeoutMs: 5000,
    });
  });

  it('names the key and the expected value on bad input', () => {
    expect(() => streamsEnv({ STREAMS_GUARANTEE: 'maybe' })).toThrow(
      /STREAMS_GUARANTEE: expected exactly_once or at_least_once/,
    );
    expect(() => streamsEnv({ STREAMS_COMMIT_INTERVAL_MS: '0' })).toThrow(
      /STREAMS_COMMIT_INTERVAL_MS: expected an integer >= 1/,
    );
  });
});
