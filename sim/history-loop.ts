import type { HistorySchedule } from './history-schedule.js';
import type { MessageBuilder, SimMessage } from './message-builder.js';
import type { PublishFn } from './publish-loop.js';

/** Counters of the history phase, also its progress snapshot. */
export interface HistoryStats {
  /** Rounds (one reading per device each) built so far. */
  rounds: number;
  /** Rounds the history needs by now: grows with the wall clock while catching up. */
  targetRounds: number;
  /** Readings one round holds (the fleet's devices). */
  readingsPerRound: number;
  /** History readings the wall clock adds per second while catching up (0 with a fixed end). */
  growthPerS: number;
  messagesSent: number;
  messagesAcked: number;
  readingsSent: number;
  readingsAcked: number;
  malformedSent: number;
  errors: number;
  firstError?: string;
  inFlight: number;
  /** Event time of the latest round built, epoch ms (NaN before the first). */
  eventTs: number;
  elapsedMs: number;
}

/** What `runHistoryLoop` publishes, where, and how much may wait for an ack. */
export interface HistoryLoopOptions {
  schedule: HistorySchedule;
  builder: MessageBuilder;
  publish: PublishFn;
  /** Readings per round (the fleet's device count; gateways carry several per message). */
  readingsPerRound: number;
  /** The history ends before the first round at or after this event time; read before every round. */
  endTs(): number;
  /** True when `endTs` follows the wall clock (the history catches up with now). */
  catchUp: boolean;
  /** Most rounds to publish: a fleet too big to catch up with the wall clock stops here. */
  maxRounds: number;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Messages sent and not yet acked before the loop waits for an ack (the only backpressure). */
  maxInFlight: number;
  /** Most messages sent between two yields to the event loop. */
  maxBatch?: number;
  signal?: AbortSignal;
  onProgress?(stats: HistoryStats): void;
  progressEveryMs?: number;
  /** How long to wait for the last acks, ms. */
  drainTimeoutMs?: number;
}

/**
 * Publishes the history as fast as the broker acks it: round by round (every device's reading at
 * t0, then t1, ...), with no pacing, at most `maxInFlight` messages unacked. Stops at the first
 * round at or past `endTs()` (or after `maxRounds`), then waits for the last acks.
 *
 * @example
 *   const stats = await runHistoryLoop({ schedule, builder, publish, readingsPerRound: 1000,
 *     endTs: () => Date.now(), catchUp: true, maxRounds: 2880, now: Date.now, sleep, maxInFlight: 5000 });
 */
export async function runHistoryLoop(options: HistoryLoopOptions): Promise<HistoryStats> {
  const { schedule, builder, publish, now, sleep, maxInFlight, signal } = options;
  const maxBatch = options.maxBatch ?? 2_000;
  const progressEveryMs = options.progressEveryMs ?? 1_000;
  const units = schedule.units;
  const t0 = now();
  const stats: HistoryStats = {
    rounds: 0,
    targetRounds: Math.min(options.maxRounds, schedule.roundsBefore(options.endTs())),
    readingsPerRound: options.readingsPerRound,
    growthPerS: options.catchUp ? (options.readingsPerRound * 1000) / schedule.intervalMs : 0,
    messagesSent: 0,
    messagesAcked: 0,
    readingsSent: 0,
    readingsAcked: 0,
    malformedSent: 0,
    errors: 0,
    inFlight: 0,
    eventTs: Number.NaN,
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

  // Woken by the ack that brings the window down to `resumeAt` (a tenth free: not one wake-up per ack).
  const resumeAt = maxInFlight - Math.max(1, Math.floor(maxInFlight / 10));
  let wake: (() => void) | undefined;
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
      if (wake && stats.inFlight <= resumeAt) {
        const w = wake;
        wake = undefined;
        w();
      }
    });
  };
  const room = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });

  let k = 0;
  let sinceYield = 0;
  while (!signal?.aborted) {
    if (k % units === 0) {
      const round = k / units;
      const endTs = options.endTs();
      stats.targetRounds = Math.max(round, Math.min(options.maxRounds, schedule.roundsBefore(endTs)));
      if (round >= options.maxRounds || schedule.tsOf(k) >= endTs) break;
      stats.rounds = round + 1;
      stats.eventTs = schedule.tsOf(k);
      progress(false);
    }
    if (stats.inFlight >= maxInFlight) {
      await room();
      continue;
    }
    const message = builder.build(k);
    k += 1;
    if (message) send(message);
    if (++sinceYield >= maxBatch) {
      sinceYield = 0;
      await sleep(0); // let sockets, acks and signals run
    }
  }
  // An aborted history still finishes its round, so every device has the same last event time.
  while (k % units !== 0) {
    if (stats.inFlight >= maxInFlight) {
      await room();
      continue;
    }
    const message = builder.build(k);
    k += 1;
    if (message) send(message);
  }

  const drainUntil = now() + (options.drainTimeoutMs ?? 30_000);
  while (stats.inFlight > 0 && now() < drainUntil) {
    progress(false);
    await sleep(10);
  }
  progress(true);
  return stats;
}
