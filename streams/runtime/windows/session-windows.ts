import { ConfigError } from '../../../lib/errors.js';
import type { Window } from './window.js';

/**
 * Session windows: records of a key closer than `gapMs` to each other belong to one session
 * `[first, last]` (both inclusive); a record that bridges two sessions merges them. A session closes
 * when stream time reaches `end + gap + grace` (after that no record can extend it).
 *
 * @example
 *   const s = SessionWindows.ofInactivityGapAndGrace(300_000, 10_000);
 *   s.closeTime({ start: 0, end: 1_000 }); // 311_000
 */
export class SessionWindows {
  readonly kind = 'session' as const;

  private constructor(
    readonly gapMs: number,
    readonly graceMs: number,
  ) {}

  static ofInactivityGapAndGrace(gapMs: number, graceMs: number): SessionWindows {
    if (!Number.isSafeInteger(gapMs) || gapMs <= 0)
      throw new ConfigError('windows.gap', `expected a positive integer of ms, got ${gapMs}`);
    if (!Number.isSafeInteger(graceMs) || graceMs < 0)
      throw new ConfigError('windows.grace', `expected a non-negative integer of ms, got ${graceMs}`);
    return new SessionWindows(gapMs, graceMs);
  }

  static ofInactivityGapWithNoGrace(gapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(gapMs, 0);
  }

  /** True when a record at `timestamp` would join (or bridge into) `session`. Pure. */
  joins(session: Window, timestamp: number): boolean {
    return timestamp >= session.start - this.gapMs && timestamp <= session.end + this.gapMs;
  }

  closeTime(session: Window): number {
    return session.end + this.gapMs + this.graceMs;
  }

  minRetentionMs(): number {
    return this.gapMs + this.graceMs;
  }

  describe(): string {
    return `SessionWindows(gap=${this.gapMs}ms grace=${this.graceMs}ms)`;
  }
}
