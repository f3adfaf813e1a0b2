import { describe, expect, it } from 'vitest';
import { linkedSignal } from './linked-signal.js';

describe('linkedSignal', () => {
  it('follows the parent and leaves no listener on it after release', () => {
    const parent = new AbortController();
    let added = 0;
    let removed = 0;
    const add = parent.signal.addEventListener.bind(parent.signal);
    const remove = parent.signal.removeEventListener.bind(parent.signal);
    parent.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      add(...args);
    }) as typeof add;
    parent.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      removed++;
      remove(...args);
    }) as typeof remove;
    for (let i = 0; i < 100; i++) linkedSignal(parent.signal, 10_000).release();
    expect([added, removed]).toEqual([100, 100]);
    const link = linkedSignal(parent.signal, 10_000);
    parent.abort();
    expect(link.signal.aborted).toBe(true);
    link.release();
  });

  it('times out', async () => {
    const link = linkedSignal(undefined, 5);
    await new Promise((r) => setTimeout(r, 20));
    expect(link.signal.aborted).toBe(true);
    expect((link.signal.reason as DOMException).name).toBe('TimeoutError');
  });
});
