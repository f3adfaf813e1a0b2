import type { MessageBuilder, SimMessage } from './message-builder.js';
import type { Schedule } from './schedule.js';

/** Sends one message; calls `done` once: after the PUBACK at QoS 1, after the socket write at QoS 0. */
export type PublishFn = (message: SimMessage, done: (error?: Error) => void) => void;

/** Counters of a run, also the progress snapshot. */
export interface PublishStats {
  /** Slots the schedule had due by now (what a perfect publisher would have built). */
  due: number;
  /** Slots built (some have nothing to send: silent devices). */
  slots: number;
  messagesSent: number;
  messagesAcked: number;
  readingsSent: number;
  readingsAcked: number;
  /** Readings sent broken on purpose (MALFORMED). */
  malformedSent: number;
  errors: number;
  firstError?: string;
  /** Messages sent and not yet acked. */
  inFlight: number;
  /** The most slots the loop was ever behind the schedule. */
  maxBehind: number;
  elapsedMs: number;
}

export interface PublishLoopOptions {
  schedule: Schedule;
  builder: MessageBuilder;
  publish: PublishFn;
  /** Wall clock, ms (injected: tests drive a simulated clock). */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Stop building once this many messages wait for their ack (backpressure). */
  maxInFlight: number;
  /** Most slots built between two yields to the event loop. */
  maxBatch?: number;
  /** Longest sleep between two checks of the schedule, ms. */
  tickMs?: number;
  /** Aborting ends the run early (SIGINT): no new slots, in-flight messages still awaited. */
  signal?: AbortSignal;
  onProgress?(stats: PublishStats): void;
  progressEveryMs?: number;
  /** How long to wait for the last acks after the schedule ends, ms. */
  drainTimeoutMs?: number;
}

/**
 * Publishes the schedule's slots as they fall due, never ahead of time: at each wake-up it builds
 * and sends the slots `dueCount(now - start)` says are due, up to `maxInFlight` unacked messages (a
 * slow broker makes it fall behind; it catches up later and reports the most it was behind).
 * Returns when every slot of the run is sent and acked (or the drain timeout passed).
 *
 * @example
 *   const stats = await runPublishLoop({ schedule, builder, publish, now: Date.now, sleep, maxInFlight: 1000 });
 *   stats.readingsAcked; // every reading the broker took
 */
export async function runPublishLoop(options: PublishLoopOptions): Promise<PublishStats> {
  const { schedule, builder, publish, now, sleep, maxInFlight, signal } = options;
  const maxBatch = options.maxBatch ?? 2_000;
  const tickMs = options.tickMs ?? 20;
  const progressEveryMs = options.progressEveryMs ?? 1_000;
  const t0 = now();
  const stats: PublishStats = {
    due: 0,
    slots: 0,
    messagesSent: 0,
    messagesAcked: 0,
    readingsSent: 0,
    readingsAcked: 0,
    malformedSent: 0,
    errors: 0,
    inFlight: 0,
    maxBehind: 0,
    elapsedMs: 0,
  };
  let lastProgress = t0;
  const progress = (force: boolean) => {
    const t = now();
    stats.elapsedMs = t - t0;
    if (options.onProgress && (force || t - lastProgress >= progressEveryMs)) {
      lastProgress = t;
      options.onProgress({ ...stats });
    }
  };

  const send = (message: SimMessage) => {
    stats.messagesSent += 1;
    stats.readingsSent += message.readings;
    stats.malformedSent += message.malformed;
    stats.inFlight += 1;
    publish(message, (error) => {
      stats.inFlight -= 1;
      if (error) {
        stats.errors += 1;
        stats.firstError ??= error.message;
      } else {
        stats.messagesAcked += 1;
        stats.readingsAcked += message.readings;
      }
    });
  };

  while (stats.slots < schedule.totalSlots && !signal?.aborted) {
    const due = schedule.dueCount(now() - t0);
    stats.due = due;
    let budget = maxBatch;
    while (stats.slots < due && budget > 0 && stats.inFlight < maxInFlight) {
      const message = builder.build(stats.slots);
      stats.slots += 1;
      budget -= 1;
      if (message) send(message);
    }
    stats.maxBehind = Math.max(stats.maxBehind, due - stats.slots);
    progress(false);
    if (stats.slots >= schedule.totalSlots) break;
    if (stats.slots < due && stats.inFlight < maxInFlight) {
      await sleep(0); // behind: let sockets and acks run, then continue at once
      continue;
    }
    const nextDueMs = (stats.slots * 1000) / schedule.unitRate - (now() - t0);
    await sleep(Math.max(1, Math.min(tickMs, Math.ceil(nextDueMs))));
  }

  const drainUntil = now() + (options.drainTimeoutMs ?? 30_000);
  while (stats.inFlight > 0 && now() < drainUntil) {
    progress(false);
    await sleep(Math.min(tickMs, 10));
  }
  progress(true);
  return stats;
}
