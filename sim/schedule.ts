import { ConfigError } from '../lib/errors.js';

export interface ScheduleOptions {
  /** Publishing units (devices, or gateways). */
  units: number;
  /** Devices (readings per round). */
  devices: number;
  /** Total readings per second over the fleet. */
  rate: number;
  /** Seconds to run; 0 = no end. */
  durationS: number;
  /** Event time of slot 0, epoch ms. */
  startTs: number;
}

/**
 * When every unit publishes, with no timer per device: global slot k (0, 1, 2, ...) belongs to unit
 * `k % units` in round `k / units`, and is due `k / unitRate` seconds after the start. Each device
 * thus reads once per `intervalMs` and the fleet sends `rate` readings/s. A loop asks `dueCount`
 * how many slots are due by now and sends the ones it has not sent.
 *
 * @example
 *   const s = createSchedule({ units: 1000, devices: 1000, rate: 500, durationS: 60, startTs: 0 });
 *   s.intervalMs;        // 2000: each device every 2 s
 *   s.dueCount(1000);    // 501 (slots 0..500 are due at t <= 1 s)
 *   s.totalSlots;        // 30000
 *   s.unitOf(1001);      // 1, s.seqOf(1001) = 1, s.tsOf(1001) = 2002
 */
export interface Schedule {
  /** Messages per second (= rate when every device publishes for itself). */
  readonly unitRate: number;
  /** Time between two readings of one device, ms. */
  readonly intervalMs: number;
  /** Slots in the run (Infinity when durationS is 0). */
  readonly totalSlots: number;
  unitOf(k: number): number;
  /** The round: the reading number of every device of the unit. */
  seqOf(k: number): number;
  /** Event time of slot k, epoch ms. */
  tsOf(k: number): number;
  /** Slots due `elapsedMs` after the start (capped at totalSlots). */
  dueCount(elapsedMs: number): number;
}

export function createSchedule(options: ScheduleOptions): Schedule {
  const { units, devices, rate, durationS, startTs } = options;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new ConfigError('rate', `expected readings/s > 0, got ${rate}`);
  if (!(durationS >= 0) || !Number.isFinite(durationS))
    throw new ConfigError('duration', `expected seconds >= 0 (0 = until interrupted), got ${durationS}`);
  if (!Number.isInteger(units) || units < 1 || !Number.isInteger(devices) || devices < units)
    throw new ConfigError('devices', `expected devices >= units >= 1, got ${devices} devices, ${units} units`);
  const unitRate = (units * rate) / devices;
  const intervalMs = (devices * 1000) / rate;
  const totalSlots = durationS === 0 ? Number.POSITIVE_INFINITY : Math.ceil(durationS * unitRate - 1e-9);
  return {
    unitRate,
    intervalMs,
    totalSlots,
    unitOf: (k) => k % units,
    seqOf: (k) => Math.floor(k / units),
    tsOf: (k) => startTs + Math.floor((k * 1000) / unitRate),
    dueCount: (elapsedMs) => (elapsedMs < 0 ? 0 : Math.min(totalSlots, Math.floor((elapsedMs * unitRate) / 1000) + 1)),
  };
}
