import { between, gaussian, SALT } from '../hash-random.js';
import {
  clampRound,
  DAY_MS,
  dailyCycle,
  type FieldModel,
  localHours,
  type SensorTypeModel,
} from './sensor-type-model.js';

const voltage: FieldModel = { name: 'voltage', unit: 'V', min: 0, max: 500, decimals: 1 };
const current: FieldModel = { name: 'current', unit: 'A', min: 0, max: 200, decimals: 2 };
const power: FieldModel = { name: 'power', unit: 'W', min: -100_000, max: 100_000, decimals: 1, anomalyFloor: 0 };
const energy: FieldModel = {
  name: 'energy',
  unit: 'kWh',
  min: 0,
  max: Number.MAX_SAFE_INTEGER,
  decimals: 3,
  counter: true,
};

/**
 * A single-phase meter: mains voltage (a little lower at the evening peak, drifting slowly), a
 * load current with a daily cycle peaking in the evening and a slow load drift (a few % of its base
 * per day), active power = V x I x power factor, and imported energy as the exact integral of the
 * noise-free mean power since `originTs` (a counter that never decreases).
 */
export const powerModel: SensorTypeModel = {
  type: 'power',
  fields: [voltage, current, power, energy],
  deviceParams(seed, i) {
    const p = (k: number, lo: number, hi: number) => between(lo, hi, seed, i, k, SALT.deviceParams);
    const iBase = p(3, 2, 15);
    return {
      vBase: p(1, 226, 234),
      vAmp: p(2, 1, 3),
      vNoise: p(8, 0.2, 0.6),
      iBase,
      iAmp: iBase * p(4, 0.3, 0.7),
      iPeak: p(5, 18, 20),
      iNoise: iBase * p(9, 0.01, 0.03),
      iDrift: iBase * p(11, -0.03, 0.03),
      pf: p(6, 0.85, 0.98),
      e0: p(7, 100, 5_000),
      vDrift: p(10, -0.2, 0.2),
    };
  },
  sample({ seed, deviceIndex, seq, ts, originTs, utcOffsetHours, params: q, noiseless }) {
    const noise = (k: number) => (noiseless ? 0 : gaussian(seed, deviceIndex, seq, SALT.noise + k));
    const vBase = q.vBase ?? 230;
    const iBase = q.iBase ?? 5;
    const iAmp = q.iAmp ?? 0;
    const iPeak = q.iPeak ?? 19;
    const iDrift = q.iDrift ?? 0;
    const pf = q.pf ?? 0.9;
    const days = (ts - originTs) / DAY_MS;
    const v =
      vBase -
      (q.vAmp ?? 0) * dailyCycle(ts, utcOffsetHours, iPeak) +
      (q.vDrift ?? 0) * days +
      (q.vNoise ?? 0) * noise(0);
    const i = iBase + iAmp * dailyCycle(ts, utcOffsetHours, iPeak) + iDrift * days + (q.iNoise ?? 0) * noise(1);
    // Energy: integral of the noise-free mean power vBase*pf*(iBase + iAmp*cos(w(h - peak)) + iDrift*(h - h0)/24) dh.
    const w = (2 * Math.PI) / 24;
    const h0 = localHours(originTs, utcOffsetHours);
    const h1 = localHours(Math.max(ts, originTs), utcOffsetHours);
    const ampHours = (iAmp / w) * (Math.sin(w * (h1 - iPeak)) - Math.sin(w * (h0 - iPeak)));
    const driftHours = (iDrift * (h1 - h0) ** 2) / 48;
    const kwh = (q.e0 ?? 0) + (vBase * pf * (iBase * (h1 - h0) + ampHours + driftHours)) / 1000;
    return {
      voltage: clampRound(v, voltage),
      current: clampRound(i, current),
      power: clampRound(v * i * pf, power),
      energy: clampRound(kwh, energy),
    };
  },
  noiseSigma(q) {
    const sv = q.vNoise ?? 0;
    const si = q.iNoise ?? 0;
    const pf = q.pf ?? 0.9;
    // power = V I pf: first-order error propagation at the device's mean V and I.
    const sp = pf * Math.hypot((q.iBase ?? 5) * sv, (q.vBase ?? 230) * si);
    return { voltage: sv, current: si, power: sp, energy: 0 };
  },
};
