import { uniform } from '../../sim/hash-random.js';
import type { Alarm } from '../../sim/score-alarms.js';
import type { ChosenDevice } from './report-data.js';

/** How `chooseDevices` picks. */
export interface DeviceChoiceOptions {
  /** The run's devices, to draw the random ones from (alarmed devices not among them may still be taken as most alarmed). */
  candidates: readonly string[];
  /** Devices taken by alarm count, most first (devices without alarms are never taken this way). Default 4. */
  mostAlarmed?: number;
  /** Devices drawn at random among the others. Default 4. */
  random?: number;
  /** Seed of the random draw: the same seed and candidates give the same devices. */
  seed: number;
}

/** Salt of the draw, apart from the simulator's own (sim/hash-random.ts SALT). */
const SALT_REPORT_DEVICES = 9_001;

/**
 * The devices a report draws: the `mostAlarmed` devices with the most alarms (ties by deviceId), then
 * `random` others drawn from the candidates (a seeded Fisher-Yates over the sorted ids, so the input
 * order does not matter). Pure and deterministic.
 *
 * @example
 *   chooseDevices(alarms, { candidates: ['sim-000000', 'sim-000001', ...], seed: 7 })
 *   // [{ deviceId: 'sim-000042', why: 'most-alarms', alarms: 9 }, ..., { deviceId: 'sim-000113', why: 'random', alarms: 0 }]
 */
export function chooseDevices(alarms: readonly Alarm[], options: DeviceChoiceOptions): ChosenDevice[] {
  const counts = new Map<string, number>();
  for (const a of alarms) counts.set(a.deviceId, (counts.get(a.deviceId) ?? 0) + 1);
  const most = [...counts.entries()]
    .sort(([a, n], [b, m]) => m - n || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, options.mostAlarmed ?? 4)
    .map(([deviceId, n]): ChosenDevice => ({ deviceId, why: 'most-alarms', alarms: n }));
  const taken = new Set(most.map((d) => d.deviceId));
  const pool = [...new Set(options.candidates)].filter((id) => !taken.has(id)).sort();
  const wanted = Math.min(options.random ?? 4, pool.length);
  for (let i = 0; i < wanted; i++) {
    const j = i + Math.floor(uniform(options.seed, i, pool.length, SALT_REPORT_DEVICES) * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as string, pool[i] as string];
  }
  const random = pool
    .slice(0, wanted)
    .map((deviceId): ChosenDevice => ({ deviceId, why: 'random', alarms: counts.get(deviceId) ?? 0 }));
  return [...most, ...random];
}
