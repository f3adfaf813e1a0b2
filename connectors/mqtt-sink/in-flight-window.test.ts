import { describe, expect, it } from 'vitest';
import { createInFlightWindow } from './in-flight-window.js';

describe('createInFlightWindow', () => {
  it('lets `limit` through, then waits for a release, in order', async () => {
    const window = createInFlightWindow(2);
    await window.acquire();
    await window.acquire();
    const order: number[] = [];
    const third = window.acquire().then(() => order.push(3));
    const fourth = window.acquire().then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    window.release();
    await third;
    expect(order).toEqual([3]);
    window.release();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(window.size).toBe(2);
    window.release();
    window.release();
    expect(window.size).toBe(0);
  });
});
