import { describe, expect, it } from 'vitest';
import { WakeSignal } from './wake-signal.js';

describe('WakeSignal', () => {
  it('wakes a waiter on notify, and remembers a notify that came first', async () => {
    const wake = new WakeSignal();
    const order: string[] = [];
    const waiting = wake.wait().then(() => order.push('woken'));
    order.push('notify');
    wake.notify();
    await waiting;
    expect(order).toEqual(['notify', 'woken']);
    wake.notify();
    await wake.wait();
    expect(order).toEqual(['notify', 'woken']);
  });

  it('times out without a notify', async () => {
    const wake = new WakeSignal();
    await wake.wait(1);
    // the expired waiter must not swallow the next notify
    wake.notify();
    let woke = false;
    await wake.wait().then(() => {
      woke = true;
    });
    expect(woke).toBe(true);
  });
});
