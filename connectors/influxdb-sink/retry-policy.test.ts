import { describe, expect, it } from 'vitest';
import { classifyWriteFailure, parseRetryAfter, retryPolicy } from './retry-policy.js';

describe('retryPolicy', () => {
  const policy = retryPolicy({ initialDelayMs: 100, maxDelayMs: 10_000, multiplier: 2 });

  it('grows the ceiling exponentially up to the max (random = 1 - epsilon shows the ceiling)', () => {
    const top = () => 0.999_999;
    expect([0, 1, 2, 3, 6, 7, 20].map((a) => policy.delayMs(a, {}, top))).toEqual([
      99, 199, 399, 799, 6399, 9999, 9999,
    ]);
  });

  it('draws the delay uniformly in [0, ceiling) (full jitter)', () => {
    expect(policy.delayMs(3, {}, () => 0)).toBe(0);
    expect(policy.delayMs(3, {}, () => 0.5)).toBe(400);
  });

  it('never waits less than Retry-After, capped by maxRetryAfterMs', () => {
    expect(policy.delayMs(0, { retryAfterMs: 2_000 }, () => 0.5)).toBe(2_000);
    expect(policy.delayMs(10, { retryAfterMs: 2_000 }, () => 0.5)).toBe(5_000);
    const capped = retryPolicy({ maxRetryAfterMs: 60_000 });
    expect(capped.delayMs(0, { retryAfterMs: 3_600_000 }, () => 0)).toBe(60_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores what is absent or malformed', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('classifyWriteFailure', () => {
  it.each([
    [undefined, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [400, 'resolve-points'],
    [413, 'resolve-points'],
    [422, 'resolve-points'],
    [401, 'fatal'],
    [403, 'fatal'],
    [404, 'fatal'],
  ] as const)('%s -> %s', (status, action) => {
    expect(classifyWriteFailure(status)).toBe(action);
  });
});
