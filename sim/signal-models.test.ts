import { describe, expect, it } from 'vitest';
import { environmentModel } from './sensor-types/environment-model.js';
import { powerModel } from './sensor-types/power-model.js';
import { DAY_MS, HOUR_MS, type SensorTypeModel } from './sensor-types/sensor-type-model.js';
import { T0 } from './test-fixtures.js';

function sampler(model: SensorTypeModel, seed: number, deviceIndex: number, utcOffsetHours = 0) {
  const params = model.deviceParams(seed, deviceIndex);
  return (ts: number, seq: number) =>
    model.sample({ seed, deviceIndex, seq, ts, originTs: T0, utcOffsetHours, params });
}

describe('signal models', () => {
  it('are deterministic from the seed and differ between seeds and devices', () => {
    const a = sampler(environmentModel, 5, 1)(T0 + 1234, 3);
    expect(sampler(environmentModel, 5, 1)(T0 + 1234, 3)).toEqual(a);
    expect(sampler(environmentModel, 6, 1)(T0 + 1234, 3)).not.toEqual(a);
    expect(sampler(environmentModel, 5, 2)(T0 + 1234, 3)).not.toEqual(a);
  });

  it('stay inside the schema ranges with the declared precision', () => {
    const bad: string[] = [];
    for (const model of [environmentModel, powerModel]) {
      for (let d = 0; d < 50; d++) {
        const sample = sampler(model, 11, d, (d % 19) - 8);
        for (let h = 0; h < 48; h++) {
          const values = sample(T0 + h * HOUR_MS, h);
          for (const field of model.fields) {
            const v = values[field.name] as number;
            const rounded = Math.round(v * 10 ** field.decimals) / 10 ** field.decimals === v;
            if (!Number.isFinite(v) || v < field.min || v > field.max || !rounded) bad.push(`${field.name}=${v}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('follow a daily cycle in local time: afternoons are warmer and drier than nights', () => {
    let warmer = 0;
    let drier = 0;
    for (let d = 0; d < 100; d++) {
      const offset = (d % 12) - 4;
      const sample = sampler(environmentModel, 2, d, offset);
      // 15:00 and 03:00 local on the same day.
      const afternoon = sample(T0 + (15 - offset) * HOUR_MS, 1);
      const night = sample(T0 + (27 - offset) * HOUR_MS, 2);
      if ((afternoon.temperature as number) > (night.temperature as number)) warmer++;
      if ((afternoon.humidity as number) < (night.humidity as number)) drier++;
    }
    expect(warmer).toBe(100);
    expect(drier).toBe(100);
  });

  it('drift slowly: the same hour ten days later moves by the device drift, not by the noise', () => {
    const params = environmentModel.deviceParams(4, 9);
    const sample = sampler(environmentModel, 4, 9);
    const days = 10;
    const a = sample(T0, 0).temperature as number;
    const b = sample(T0 + days * DAY_MS, 1).temperature as number;
    const noise = 5 * (params.tNoise as number);
    expect(Math.abs(b - a - (params.tDrift as number) * days)).toBeLessThan(2 * noise + 0.01);
  });

  it('count energy as the integral of mean power: never decreasing, about P x t over a day', () => {
    const params = powerModel.deviceParams(8, 3);
    const sample = sampler(powerModel, 8, 3);
    let prev = -1;
    let powerSum = 0;
    const steps = 24 * 60;
    for (let m = 0; m <= steps; m++) {
      const v = sample(T0 + m * 60_000, m);
      expect(v.energy as number).toBeGreaterThanOrEqual(prev);
      prev = v.energy as number;
      if (m < steps) powerSum += v.power as number;
    }
    const dayKwh = prev - (params.e0 as number);
    const meanPowerKwh = ((powerSum / steps) * 24) / 1000;
    expect(dayKwh).toBeGreaterThan(0);
    expect(Math.abs(dayKwh - meanPowerKwh) / meanPowerKwh).toBeLessThan(0.03);
  });
});
