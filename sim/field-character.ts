import type { SimDevice } from './fleet.js';
import { HOUR_MS } from './sensor-types/sensor-type-model.js';

/**
 * What normal looks like for one field of one device at one event time: its noise and its
 * noise-free range over the day before. Anomaly sizes are measured against this.
 *
 * @example
 *   { sigma: 0.08, level: 21.3, dailyLow: 17.9, dailyHigh: 24.6 } // temperature, °C
 */
export interface FieldCharacter {
  /** Standard deviation of the field's reading-to-reading noise on this device. */
  sigma: number;
  /** The noise-free value at `ts`. */
  level: number;
  /** Lowest and highest noise-free value over the 24 h up to `ts` (daily cycle and drift). */
  dailyLow: number;
  dailyHigh: number;
}

/** Points per day sampled for the daily range (every 30 min: the cycles are smooth cosines). */
const POINTS_PER_DAY = 48;

/** The character of `field` on `device` at `ts`: the model sampled without noise over the day before. */
export function fieldCharacter(
  device: SimDevice,
  field: string,
  seed: number,
  ts: number,
  originTs: number,
): FieldCharacter {
  const sigma = device.model.noiseSigma(device.params)[field] ?? 0;
  const at = (t: number) =>
    device.model.sample({
      seed,
      deviceIndex: device.index,
      seq: 0,
      ts: t,
      originTs,
      utcOffsetHours: device.utcOffsetHours,
      params: device.params,
      noiseless: true,
    })[field] as number;
  const level = at(ts);
  let dailyLow = level;
  let dailyHigh = level;
  for (let k = 1; k <= POINTS_PER_DAY; k++) {
    const v = at(ts - (k * 24 * HOUR_MS) / POINTS_PER_DAY);
    if (v < dailyLow) dailyLow = v;
    if (v > dailyHigh) dailyHigh = v;
  }
  return { sigma, level, dailyLow, dailyHigh };
}
