import { describe, expect, it } from 'vitest';
import { IotpError } from '../errors.js';
import { retryRetriable } from './retry-retriable.js';

describe('retryRetriable', () => {
  it('retries retriable errors with doubling delays, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retryRetriable(
      async () => {
        calls += 1;
        if (calls < 4) throw new IotpError('KAFKA_UNKNOWN_TOPIC_OR_PARTITION', 'not yet', { retriable: true });
        return 'ok';
      },
      { baseDelayMs: 100, maxDelayMs: 300, sleep: async (ms) => delays.push(ms) },
    );
    expect(result).toBe('ok');
    expect(delays).toEqual([100, 200, 300]);
  });

  it('does not retry a non-retriable error, and gives up after the last attempt', async () => {
    let calls = 0;
    const fatal = retryRetriable(async () => {
      calls += 1;
      throw new IotpError('KAFKA_INVALID_CONFIG', 'bad', { retriable: false });
    });
    await expect(fatal).rejects.toThrow('bad');
    expect(calls).toBe(1);
    calls = 0;
    const never = retryRetriable(
      async () => {
        calls += 1;
        throw new IotpError('KAFKA_TIMEOUT', 'slow', { retriable: true });
      },
      { attempts: 3, sleep: async () => {} },
    );
    await expect(never).rejects.toThrow('slow');
    expect(calls).toBe(3);
  });
});
