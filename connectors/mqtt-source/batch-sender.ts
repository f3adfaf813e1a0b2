import { setTimeout as sleep } from 'node:timers/promises';
import { type IotpError, toIotpError } from '../../lib/errors.js';
import type { ProducerRecord } from '../../lib/kafka/types.js';

/** One MQTT message's share of the Kafka work. */
export interface SendEntry {
  /** The message's encoded records (may be none). Called again after a retriable failure. */
  prepare(): Promise<ProducerRecord[]>;
  /** What to write instead when Kafka or the encoder refuses the message for good (dead letters). */
  fallback(error: IotpError): ProducerRecord[];
  /** Every record of the message is acknowledged by Kafka. */
  done(): void;
}

export interface BatchSenderOptions {
  /** Resolves once Kafka acknowledged every record (acks=all). */
  send(records: ProducerRecord[]): Promise<void>;
  /** Messages per send call (a message's records are never split across sends). */
  maxBatchMessages: number;
  /** Backoff between attempts while Kafka fails: initial, doubling up to max. */
  retry: { initialMs: number; maxMs: number };
  /** True when an error will not go away by retrying (the message is then dead-lettered). */
  isPermanent(error: IotpError): boolean;
  onSent?(records: ProducerRecord[], entries: number, seconds: number): void;
  onRetry?(error: IotpError, attempt: number, delayMs: number): void;
  onFallback?(error: IotpError): void;
  /**
   * A message could not be written even as a dead letter (the broker refuses the dead-letter topic
   * for good: authorization, a deleted topic). The sender holds that message and everything after
   * it (unacked, so the broker keeps them) and tries the dead letter again every `retry.maxMs`
   * until Kafka takes it. The worker should report not ready; it must not exit, or the redelivered
   * message would crash it again.
   */
  onBlocked(error: IotpError): void;
  /** The dead letter that blocked the sender was written at last: intake goes on. */
  onUnblocked?(): void;
  /** Monotonic seconds, for latency (default performance.now). */
  now?(): number;
}

/**
 * Writes messages' records to Kafka in arrival order, batching consecutive messages into one send
 * and keeping one send in flight (so per-device order holds whatever the backend). A failing send
 * is retried with backoff for as long as it takes; only a permanent refusal of a single message
 * replaces its records by its dead letters. Nothing is dropped: a message is `done` only after Kafka
 * acknowledged what it became. No input can stop it: a dead letter Kafka refuses blocks the sender
 * (`onBlocked`) until Kafka takes it, it never ends the loop.
 *
 * @example
 *   const sender = createBatchSender({ send: (r) => producer.send(r).then(() => {}), maxBatchMessages: 500, ... });
 *   sender.enqueue({ prepare: async () => records, fallback: () => dlq, done: () => gate.done(ticket) });
 */
export interface BatchSender {
  enqueue(entry: SendEntry): void;
  /** Entries waiting or in flight. */
  readonly size: number;
  /** Resolves when every entry enqueued so far is done (or the sender is closed). */
  idle(): Promise<void>;
  /**
   * Stops: no new attempt starts and backoff sleeps end. A send in flight is left to fail when the
   * producer disconnects. Entries not done stay undone (never acked, so the broker redelivers them).
   */
  close(): void;
}

export function createBatchSender(options: BatchSenderOptions): BatchSender {
  const queue: SendEntry[] = [];
  const now = options.now ?? (() => performance.now() / 1000);
  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const notifyIdle = () => {
    if (queue.length > 0 && !closed) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  /** Sends records until Kafka acks them; throws a permanent error as is. */
  const sendWithRetry = async (prepare: () => Promise<ProducerRecord[]>, entries: number): Promise<void> => {
    let attempt = 0;
    let delay = options.retry.initialMs;
    for (;;) {
      if (closed) throw new ClosedSignal();
      const started = now();
      try {
        const records = await prepare();
        if (records.length > 0) await options.send(records);
        options.onSent?.(records, entries, now() - started);
        return;
      } catch (raw) {
        if (raw instanceof ClosedSignal) throw raw;
        const error = toIotpError(raw, 'MQTT_SOURCE_SEND_FAILED', { retriable: true });
        if (options.isPermanent(error)) throw error;
        attempt++;
        options.onRetry?.(error, attempt, delay);
        if (closed) throw new ClosedSignal();
        await sleep(delay, undefined, { signal: stopping.signal }).catch(() => {});
        delay = Math.min(delay * 2, options.retry.maxMs);
      }
    }
  };

  const prepareAll = async (batch: SendEntry[]): Promise<ProducerRecord[]> => {
    const out: ProducerRecord[] = [];
    for (const entry of batch) out.push(...(await entry.prepare()));
    return out;
  };

  const sendOne = async (entry: SendEntry): Promise<void> => {
    try {
      await sendWithRetry(() => entry.prepare(), 1);
    } catch (error) {
      if (error instanceof ClosedSignal) throw error;
      const permanent = toIotpError(error, 'MQTT_SOURCE_SEND_FAILED');
      options.onFallback?.(permanent);
      const fallback = entry.fallback(permanent);
      let blocked = false;
      for (;;) {
        try {
          await sendWithRetry(async () => fallback, 1);
          break;
        } catch (again) {
          if (again instanceof ClosedSignal) throw again;
          // The dead-letter write itself was refused for good: keep the message unacked (never
          // lost), say so once, and try again slowly until the broker is fixed.
          if (!blocked) options.onBlocked(toIotpError(again, 'MQTT_SOURCE_DLQ_REFUSED'));
          blocked = true;
          await sleep(options.retry.maxMs, undefined, { signal: stopping.signal }).catch(() => {});
        }
      }
      if (blocked) options.onUnblocked?.();
    }
    entry.done();
  };

  const loop = async (): Promise<void> => {
    while (queue.length > 0 && !closed) {
      const batch = queue.slice(0, options.maxBatchMessages);
      try {
        try {
          await sendWithRetry(() => prepareAll(batch), batch.length);
          for (const entry of batch) entry.done();
        } catch (error) {
          if (error instanceof ClosedSignal) throw error;
          // A permanent failure of a batch: isolate the message responsible, one send per message.
          for (const entry of batch) await sendOne(entry);
        }
        queue.splice(0, batch.length);
      } catch (error) {
        if (error instanceof ClosedSignal) break;
        throw error;
      }
    }
    running = undefined;
    notifyIdle();
  };

  const kick = () => {
    if (running || closed) return;
    running = loop();
  };

  return {
    enqueue(entry) {
      if (closed) return;
      queue.push(entry);
      kick();
    },
    get size() {
      return queue.length;
    },
    idle() {
      if (queue.length === 0 || closed) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    close() {
      closed = true;
      stopping.abort();
      notifyIdle();
    },
  };
}

class ClosedSignal extends Error {
  constructor() {
    super('sender closed');
  }
}
