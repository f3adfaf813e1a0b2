/**
 * A loop's alarm clock: `wait(ms)` resolves after `ms` or as soon as `notify()` is called
 * (a notify before the wait is remembered, so no wake-up is lost).
 *
 * @example
 *   while (running) { work(); await wake.wait(deadline - now); }  // elsewhere: wake.notify()
 */
export class WakeSignal {
  private pending = false;
  private resolve: (() => void) | undefined;

  notify(): void {
    if (this.resolve) {
      const r = this.resolve;
      this.resolve = undefined;
      r();
    } else this.pending = true;
  }

  wait(ms?: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      const self = this;
      function done() {
        if (timer !== undefined) clearTimeout(timer);
        if (self.resolve === done) self.resolve = undefined;
        resolve();
      }
      this.resolve = done;
    });
  }
}
