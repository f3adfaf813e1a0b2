import { ConfigError } from '../lib/errors.js';

/**
 * Reading numbers of history readings start here: the model's noise and the anomaly draws are
 * functions of (seed, device, reading number), so history readings never reuse the live part's
 * numbers (0, 1, 2, ...) and the live part is the same with or without a history before it.
 */
export const HISTORY_SEQ_BASE = 2 ** 40;

/** Where the history starts and how far apart its rounds are. */
export interface HistoryScheduleOptions {
  /** Publishing units (devices, or gateways). */
  units: number;
  /** Event time of the first round, epoch ms. */
  startTs: number;
  /** Event time between two rounds (every device's spacing), ms. */
  intervalMs: number;
}

/**
 * The history's slots, round by round: round r is every unit's reading at `startTs + r x intervalMs`
 * (slot k is unit `k % units` of round `k / units`), so event time advances evenly across the fleet
 * and per device in order. Nothing is paced: every slot is due at once.
 *
 * @example
 *   const h = createHistorySchedule({ units: 100, startTs: t0, intervalMs: 60_000 });
 *   h.tsOf(250);           // t0 + 120000 (round 2)
 *   h.roundsBefore(t0 + 90_000); // 2: the rounds at t0 and t0 + 60 s
 */
export interface HistorySchedule {
  readonly units: number;
  readonly startTs: number;
  readonly intervalMs: number;
  unitOf(k: number): number;
  /** The reading number of every device of the unit: HISTORY_SEQ_BASE + round. */
  seqOf(k: number): number;
  tsOf(k: number): number;
  /** Rounds whose event time is before `ts`. */
  roundsBefore(ts: number): number;
}

export function createHistorySchedule(options: HistoryScheduleOptions): HistorySchedule {
  const { units, startTs, intervalMs } = options;
  if (!Number.isInteger(units) || units < 1) throw new ConfigError('devices', `expected units >= 1, got ${units}`);
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs))
    throw new ConfigError('--interval', `expected a duration > 0, got ${intervalMs} ms`);
  const round = (k: number) => Math.floor(k / units);
  return {
    units,
    startTs,
    intervalMs,
    unitOf: (k) => k % units,
    seqOf: (k) => HISTORY_SEQ_BASE + round(k),
    tsOf: (k) => startTs + Math.round(round(k) * intervalMs),
    roundsBefore: (ts) => (ts <= startTs ? 0 : Math.ceil((ts - startTs) / intervalMs)),
  };
}
