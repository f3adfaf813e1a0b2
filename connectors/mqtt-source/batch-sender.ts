import { setTimeout as sleep } from 'node:timers/promises';
import { type IotpError, toIotpError } from '../../lib/errors.js';
import type { ProducerRecord } from '../../lib/kafka/types.js';

/**
 * What the sender does with one entry (one MQTT message's share of the Kafka work). The entries
 * themselves are the caller's plain objects: no closures per message.
 */
export interface BatchSenderOptions<T> {
  /** Resolves once Kafka acknowledged every record (acks=all). */
  send(records: ProducerRecord[]): Promise<void>;
  /**
   * The entry's encoded records (may be none): an array when they are at hand, a promise when
   * something must be fetched first. Called again after a retriable failure.
   */
  prepare(entry: T): ProducerRecord[] | Promise<ProducerRecord[]>;
  /** What to write instead when Kafka or the encoder refuses the entry for good (dead letters). */
  fallback(entry: T, error: IotpError): ProducerRecord[];
  /** Every record of the entry is acknowledged by Kafka. */
  done(entry: T): void;
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
 *   const sender = createBatchSender<Pending>({
 *     send: (r) => producer.send(r).then(() => {}), maxBatchMessages: 500,
 *     prepare: (p) => p.records, fallback: (p, e) => [deadLetter(p, e)], done: (p) => p.ack(), ...
 *   });
 *   sender.enqueue(pending);
 */
export interface BatchSender<T> {
  enqueue(entry: T): void;
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

export function createBatchSender<T>(options: BatchSenderOptions<T>): BatchSender<T> {
  const queue: T[] = [];
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
  const sendWithRetry = async (
    prepare: () => ProducerRecord[] | Promise<ProducerRecord[]>,
    entries: number,
  ): Promise<void> => {
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

  /** The batch's records in order; synchronous unless an entry's records must be fetched. */
  const prepareAll = (batch: T[]): ProducerRecord[] | Promise<ProducerRecord[]> => {
    const out: ProducerRecord[] = [];
    for (let i = 0; i < batch.length; i++) {
      const records = options.prepare(batch[i] as T);
      if (!Array.isArray(records)) return prepareRest(batch, i, records, out);
      for (const r of records) out.push(r);
    }
    return out;
  };

  const prepareRest = async (
    batch: T[],
    from: number,
    first: Promise<ProducerRecord[]>,
    out: ProducerRecord[],
  ): Promise<ProducerRecord[]> => {
    for (const r of await first) out.push(r);
    for (let i = from + 1; i < batch.length; i++) for (const r of await options.prepare(batch[i] as T)) out.push(r);
    return out;
  };

  const sendOne = async (entry: T): Promise<void> => {
    try {
      await sendWithRetry(() => options.prepare(entry), 1);
    } catch (error) {
      if (error instanceof ClosedSignal) throw error;
      const permanent = toIotpError(error, 'MQTT_SOURCE_SEND_FAILED');
      options.onFallback?.(permanent);
      const fallback = options.fallback(entry, permanent);
      let blocked = false;
      for (;;) {
        try {
          await sendWithRetry(() => fallback, 1);
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
    options.done(entry);
  };

  const loop = async (): Promise<void> => {
    while (queue.length > 0 && !closed) {
      const batch = queue.slice(0, options.maxBatchMessages);
      try {
        try {
          await sendWithRetry(() => prepareAll(batch), batch.length);
          for (const entry of batch) options.done(entry);
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
