/**
 * A bound on work in flight: `acquire` waits while `limit` slots are taken; `release` frees one.
 *
 * @example
 *   const window = createInFlightWindow(100);
 *   await window.acquire(); void publish().finally(() => window.release());
 */
export interface InFlightWindow {
  acquire(): Promise<void>;
  release(): void;
  readonly size: number;
}

export function createInFlightWindow(limit: number): InFlightWindow {
  let size = 0;
  const waiting: (() => void)[] = [];
  return {
    acquire() {
      if (size < limit) {
        size++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(() => resolve()));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else size--;
    },
    get size() {
      return size;
    },
  };
}
