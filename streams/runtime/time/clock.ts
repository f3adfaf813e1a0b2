/** Wall-clock source, injected so processing logic never reads `Date.now()` itself. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock that only moves when told (test driver, unit tests). */
export class ManualClock {
  constructor(private nowMs = 0) {}
  readonly now: Clock = () => this.nowMs;
  advance(ms: number): number {
    this.nowMs += ms;
    return this.nowMs;
  }
}
