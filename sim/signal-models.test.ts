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

  it("state each field's noise per device: noiseSigma is the noise measured in the readings", () => {
    for (const model of [environmentModel, powerModel]) {
      for (const d of [0, 7, 23]) {
        const params = model.deviceParams(3, d);
        const sigma = model.noiseSigma(params);
        const sample = sampler(model, 3, d, 2);
        const series = Array.from({ length: 2000 }, (_, k) => sample(T0 + k * 1000, k));
        for (const field of model.fields) {
          const s = sigma[field.name] as number;
          if (field.counter) {
            expect(s).toBe(0);
            continue;
          }
          // Successive differences: the daily cycle moves little in a second, the noise twice over.
          let sum = 0;
          for (let k = 1; k < series.length; k++)
            sum += ((series[k]![field.name] as number) - (series[k - 1]![field.name] as number)) ** 2;
          const measured = Math.sqrt(sum / (series.length - 1) / 2);
          expect(Math.abs(measured - s) / s, `${model.type}.${field.name} device ${d}`).toBeLessThan(0.1);
        }
      }
    }
  });

  it('give every value field a daily cycle, a slow drift and a character of its own per device', () => {
    for (const model of [environmentModel, powerModel]) {
      for (const field of model.fields.filter((f) => !f.counter)) {
        const devices = [0, 1, 2, 3].map((d) => {
          const params = model.deviceParams(4, d);
          const at = (ts: number) =>
            model.sample({
              seed: 4,
              deviceIndex: d,
              seq: 0,
              ts,
              originTs: T0,
              utcOffsetHours: 0,
              params,
              noiseless: true,
            })[field.name] as number;
          const day = Array.from({ length: 24 }, (_, h) => at(T0 + h * HOUR_MS));
          const sigma = model.noiseSigma(params)[field.name] as number;
          // The day's swing is several noise sigmas.
          expect(Math.max(...day) - Math.min(...day), `${field.name} daily range`).toBeGreaterThan(3 * sigma);
          // The same hour 4 days later has moved by the device's drift.
          return { level: at(T0), drift: at(T0 + 4 * DAY_MS) - at(T0) };
        });
        expect(new Set(devices.map((d) => d.level)).size, `${field.name} level per device`).toBe(4);
        // (rounded to the field's decimals two small drifts may meet)
        expect(new Set(devices.map((d) => d.drift.toFixed(6))).size, `${field.name} drift per device`).toBeGreaterThan(
          2,
        );
      }
    }
  });
});
