import { ConfigError } from '../../../lib/errors.js';

function nonNegativeInt(key: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ConfigError(key, `expected a non-negative integer of ms, got ${value}`);
  return value;
}

/**
 * The time bounds of a KStream-KStream join (Kafka Streams' JoinWindows): a record at `t` of this
 * stream joins records of the other stream at `[t - beforeMs, t + afterMs]` (symmetric by default:
 * `ofTimeDifference*`). Records are kept `beforeMs + afterMs + graceMs` of stream time; an older
 * record is late. An immutable value.
 *
 * @example
 *   JoinWindows.ofTimeDifferenceAndGrace(5_000, 1_000).after(0); // other records up to 5 s before
 */
export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    const d = nonNegativeInt('joinWindows.timeDifference', timeDifferenceMs);
    return new JoinWindows(d, d, nonNegativeInt('joinWindows.grace', graceMs));
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** Other records at most `ms` before this one (may be negative, as long as before + after >= 0). */
  before(ms: number): JoinWindows {
    if (!Number.isSafeInteger(ms) || ms + this.afterMs < 0)
      throw new ConfigError('joinWindows.before', `expected an integer with before + after >= 0, got ${ms}`);
    return new JoinWindows(ms, this.afterMs, this.graceMs);
  }

  /** Other records at most `ms` after this one (may be negative, as long as before + after >= 0). */
  after(ms: number): JoinWindows {
    if (!Number.isSafeInteger(ms) || ms + this.beforeMs < 0)
      throw new ConfigError('joinWindows.after', `expected an integer with before + after >= 0, got ${ms}`);
    return new JoinWindows(this.beforeMs, ms, this.graceMs);
  }

  /** `beforeMs + afterMs` (Kafka Streams' size()). */
  get sizeMs(): number {
    return this.beforeMs + this.afterMs;
  }

  /** How long each side's store keeps a record: size + grace (as Kafka Streams' join stores). */
  retentionMs(): number {
    return this.sizeMs + this.graceMs;
  }

  /** The same bounds seen from the other stream (before and after swapped). */
  reverse(): JoinWindows {
    return new JoinWindows(this.afterMs, this.beforeMs, this.graceMs);
  }

  describe(): string {
    return `JoinWindows(before=${this.beforeMs}ms after=${this.afterMs}ms grace=${this.graceMs}ms)`;
  }
}
