/**
 * A per-request AbortSignal that follows a long-lived `parent` (shutdown) and a timeout, without
 * leaving listeners on the parent: HTTP clients add an 'abort' listener to the signal they get and
 * may never remove it, which on a signal shared by millions of requests is a leak.
 *
 * @example
 *   const link = linkedSignal(shutdownSignal, 10_000);
 *   try { await fetch(url, { signal: link.signal }); } finally { link.release(); }
 */
export function linkedSignal(
  parent: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('request timed out', 'TimeoutError')), timeoutMs);
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}
