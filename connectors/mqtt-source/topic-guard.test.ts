import { describe, expect, it } from 'vitest';
import type { Admin, KafkaClient } from '../../lib/kafka/types.js';
import { createTopicGuard } from './topic-guard.js';

function fakeClient(topics: () => string[], calls: { n: number }): KafkaClient {
  const admin = {
    connect: async () => {},
    disconnect: async () => {},
    listTopics: async () => {
      calls.n++;
      return topics();
    },
  } as unknown as Admin; // only the calls the guard makes
  return { admin: () => admin } as unknown as KafkaClient;
}

describe('createTopicGuard', () => {
  it('lists topics once, re-lists on an unknown topic at most every refreshMs', async () => {
    let clock = 0;
    let existing = ['a'];
    const calls = { n: 0 };
    const guard = createTopicGuard(
      fakeClient(() => existing, calls),
      5000,
      () => clock,
    );
    expect(guard.known('a')).toBe(false); // nothing listed yet
    expect(await guard.exists('a')).toBe(true);
    expect(calls.n).toBe(1);
    expect(guard.known('a')).toBe(true);
    expect(guard.known('b')).toBe(false);
    expect(calls.n).toBe(1); // `known` never asks the broker
    expect(await guard.exists('b')).toBe(false);
    expect(calls.n).toBe(1); // refreshed just now
    existing = ['a', 'b'];
    clock = 4999;
    expect(await guard.exists('b')).toBe(false);
    clock = 5000;
    expect(await guard.exists('b')).toBe(true);
    expect(calls.n).toBe(2);
    expect(await guard.exists('a')).toBe(true);
    expect(calls.n).toBe(2);
  });
});
