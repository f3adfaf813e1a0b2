import { between, gaussian, SALT } from '../hash-random.js';
import { clampRound, DAY_MS, dailyCycle, type FieldModel, type SensorTypeModel } from './sensor-type-model.js';

const temperature: FieldModel = { name: 'temperature', unit: '°C', min: -40, max: 125, decimals: 2 };
const humidity: FieldModel = { name: 'humidity', unit: '%', min: 0, max: 100, decimals: 1 };
const pressure: FieldModel = { name: 'pressure', unit: 'hPa', min: 300, max: 1100, decimals: 2 };

/**
 * Air temperature (warmest mid-afternoon), relative humidity (highest before dawn, so it moves
 * against temperature) and barometric pressure (the small twice-daily atmospheric tide, its phase
 * shifted a little per device), each with its own base, amplitude, slow drift and gaussian noise.
 */
export const environmentModel: SensorTypeModel = {
  type: 'environment',
  fields: [temperature, humidity, pressure],
  deviceParams(seed, i) {
    const p = (k: number, lo: number, hi: number) => between(lo, hi, seed, i, k, SALT.deviceParams);
    return {
      tBase: p(1, 12, 26),
      tAmp: p(2, 1, 6),
      tPeak: p(3, 14, 16),
      tDrift: p(4, -0.3, 0.3),
      tNoise: p(5, 0.05, 0.15),
      hBase: p(6, 35, 65),
      hAmp: p(7, 4, 15),
      hPeak: p(8, 4, 6),
      hDrift: p(9, -0.5, 0.5),
      hNoise: p(10, 0.2, 0.6),
      pBase: p(11, 1000, 1025),
      pAmp: p(12, 0.5, 1.2),
      pDrift: p(13, -2, 2),
      pNoise: p(14, 0.03, 0.08),
      pPeak: p(15, 9.5, 10.5),
    };
  },
  sample({ seed, deviceIndex, seq, ts, originTs, utcOffsetHours, params: q, noiseless }) {
    const days = (ts - originTs) / DAY_MS;
    const noise = (k: number) => (noiseless ? 0 : gaussian(seed, deviceIndex, seq, SALT.noise + k));
    const t =
      (q.tBase ?? 0) +
      (q.tAmp ?? 0) * dailyCycle(ts, utcOffsetHours, q.tPeak ?? 15) +
      (q.tDrift ?? 0) * days +
      (q.tNoise ?? 0) * noise(0);
    const h =
      (q.hBase ?? 0) +
      (q.hAmp ?? 0) * dailyCycle(ts, utcOffsetHours, q.hPeak ?? 5) +
      (q.hDrift ?? 0) * days +
      (q.hNoise ?? 0) * noise(1);
    const pr =
      (q.pBase ?? 0) +
      (q.pAmp ?? 0) * dailyCycle(ts, utcOffsetHours, q.pPeak ?? 10, 12) +
      (q.pDrift ?? 0) * days +
      (q.pNoise ?? 0) * noise(2);
    return {
      temperature: clampRound(t, temperature),
      humidity: clampRound(h, humidity),
      pressure: clampRound(pr, pressure),
    };
  },
  noiseSigma: (q) => ({ temperature: q.tNoise ?? 0, humidity: q.hNoise ?? 0, pressure: q.pNoise ?? 0 }),
};
