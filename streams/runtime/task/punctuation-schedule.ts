import { ConfigError } from '../../../lib/errors.js';
import type { Cancellable, PunctuationType } from '../processor/processor.js';

interface Punctuation {
  readonly type: PunctuationType;
  readonly intervalMs: number;
  readonly step: string;
  readonly callback: (timestamp: number) => void;
  /** Next time it fires; undefined for a stream-time one scheduled before any stream time. */
  next: number | undefined;
  cancelled: boolean;
}

/**
 * Punctuators of one task. A punctuator fires once when its time reaches `next` (even if several
 * intervals passed at once, as in Kafka Streams), then `next` moves to the first multiple of the
 * interval after that time. Stream-time ones scheduled before any record start at the first stream time.
 */
export class PunctuationSchedule {
  private readonly items: Punctuation[] = [];

  add(
    step: string,
    type: PunctuationType,
    intervalMs: number,
    now: number,
    callback: (timestamp: number) => void,
  ): Cancellable {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0)
      throw new ConfigError(`${step}.punctuation.interval`, `expected a positive number of ms, got ${intervalMs}`);
    const p: Punctuation = {
      type,
      intervalMs,
      step,
      callback,
      next: Number.isFinite(now) ? now + intervalMs : undefined,
      cancelled: false,
    };
    this.items.push(p);
    return {
      cancel: () => {
        p.cancelled = true;
      },
    };
  }

  /**
   * Runs due punctuators of `type` at `time`; `run` wraps each call (error handling, step context).
   * `only`: just the steps it accepts (those on one stream-time clock).
   */
  fire(
    type: PunctuationType,
    time: number,
    run: (step: string, call: () => void) => void,
    only?: (step: string) => boolean,
  ): void {
    for (const p of this.items) {
      if (p.cancelled || p.type !== type) continue;
      if (only !== undefined && !only(p.step)) continue;
      if (p.next === undefined) {
        p.next = time + p.intervalMs;
        continue;
      }
      if (time < p.next) continue;
      p.next = p.next + Math.ceil((time - p.next + 1) / p.intervalMs) * p.intervalMs;
      run(p.step, () => p.callback(time));
    }
  }

  clear(): void {
    this.items.length = 0;
  }
}
