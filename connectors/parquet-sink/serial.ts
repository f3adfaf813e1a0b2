/**
 * Runs async jobs one at a time, in call order: batches, the rotation timer and shutdown all change
 * the open files, and a file must be written before its offsets are committed.
 *
 * @example
 *   const serial = createSerial();
 *   await serial(() => handleBatch(batch));
 */
export function createSerial(): <T>(job: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>) => {
    const run = tail.then(job, job);
    tail = run.catch(() => undefined);
    return run;
  };
}
