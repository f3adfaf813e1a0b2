import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitAfterStop } from './exit-after-stop.js';
import { createLogger } from './log.js';

describe('exitAfterStop', () => {
  afterEach(() => {
    vi.useRealTimers();
    process.exitCode = undefined;
  });

  it('exits with process.exitCode once the grace has passed', () => {
    vi.useFakeTimers();
    const exit = vi.fn();
    process.exitCode = 1;
    exitAfterStop(createLogger('test', { level: 'silent' }), 3000, exit);
    vi.advanceTimersByTime(2999);
    expect(exit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('exits with 0 after a clean stop, and does not hold the process open itself', () => {
    vi.useFakeTimers();
    const exit = vi.fn();
    const timer = exitAfterStop(createLogger('test', { level: 'silent' }), 3000, exit);
    expect(timer.hasRef()).toBe(false);
    vi.advanceTimersByTime(3000);
    expect(exit).toHaveBeenCalledWith(0);
  });
});
