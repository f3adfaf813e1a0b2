import { ConfigError } from '../../../lib/errors.js';
import type { Window } from './window.js';

function positiveInt(key: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new ConfigError(key, `expected a positive integer of ms, got ${value}`);
  return value;
}

function nonNegativeInt(key: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ConfigError(key, `expected a non-negative integer of ms, got ${value}`);
  return value;
}

/**
 * Tumbling (advance = size) or hopping (advance < size) event-time windows, aligned to the epoch:
 * window starts are multiples of `advanceMs`, and only non-negative starts exist (as in Kafka
 * Streams). Every window has a grace period: it closes when stream time reaches `end + grace`, and a
 * record for a closed window is late. An immutable value: `advanceBy` returns a new one.
 *
 * @example
 *   const w = TimeWindows.ofSizeAndGrace(60_000, 5_000).advanceBy(30_000);
 *   w.windowsFor(75_000); // [{ start: 30_000, end: 90_000 }, { start: 60_000, end: 120_000 }]
 */
export class TimeWindows {
  readonly kind = 'time' as const;

  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    const size = positiveInt('windows.size', sizeMs);
    return new TimeWindows(size, size, nonNegativeInt('windows.grace', graceMs));
  }

  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  /** Hopping windows: a new window every `advanceMs` (0 < advance <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    const advance = positiveInt('windows.advance', advanceMs);
    if (advance > this.sizeMs)
      throw new ConfigError('windows.advance', `expected at most the window size ${this.sizeMs} ms, got ${advance}`);
    return new TimeWindows(this.sizeMs, advance, this.graceMs);
  }

  /** Every window that contains `timestamp`, oldest first. Pure. */
  windowsFor(timestamp: number): Window[] {
    const lastStart = timestamp - (((timestamp % this.advanceMs) + this.advanceMs) % this.advanceMs);
    const out: Window[] = [];
    for (let start = lastStart; start > timestamp - this.sizeMs && start >= 0; start -= this.advanceMs) {
      out.push({ start, end: start + this.sizeMs });
    }
    return out.reverse();
  }

  /** The stream time at which `window` closes (no record is accepted at or after it). */
  closeTime(window: Window): number {
    return window.end + this.graceMs;
  }

  /** The minimum retention of a store holding these windows. */
  minRetentionMs(): number {
    return this.sizeMs + this.graceMs;
  }

  describe(): string {
    const shape = this.advanceMs === this.sizeMs ? 'tumbling' : `hopping advance=${this.advanceMs}ms`;
    return `TimeWindows(${shape} size=${this.sizeMs}ms grace=${this.graceMs}ms)`;
  }
}
