/**
 * Seeded synthetic series for detector tests and benchmarks: the same seed gives the same numbers
 * on every machine (mulberry32 + Box-Muller), so a test's expectations are exact.
 *
 * @example
 *   const rng = seededRandom(7);
 *   const series = dailySeries({ days: 10, perDay: 288, noise: 0.5 }, rng);
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from a uniform source (Box-Muller). */
export function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export interface SyntheticSeries {
  timestamps: number[];
  values: number[];
}

/** A daily sine (amplitude 10 around 20) plus Gaussian noise, `perDay` readings a day from 2024-01-01 UTC. */
export function dailySeries(o: { days: number; perDay: number; noise: number }, rng: () => number): SyntheticSeries {
  const start = Date.UTC(2024, 0, 1);
  const step = 86_400_000 / o.perDay;
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < o.days * o.perDay; i++) {
    timestamps.push(start + i * step);
    values.push(20 + 10 * Math.sin((2 * Math.PI * i) / o.perDay) + o.noise * gaussian(rng));
  }
  return { timestamps, values };
}

/** Gaussian noise around `mean`, one reading a minute. */
export function noiseSeries(o: { length: number; mean: number; sd: number }, rng: () => number): SyntheticSeries {
  const start = Date.UTC(2024, 0, 1);
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < o.length; i++) {
    timestamps.push(start + i * 60_000);
    values.push(o.mean + o.sd * gaussian(rng));
  }
  return { timestamps, values };
}

/** Settings of {@link driftingDailySeries}. */
export interface DriftingDailyOptions {
  days: number;
  /** Milliseconds between readings (60 000 = one a minute). */
  stepMs: number;
  mean: number;
  /** Amplitude of the daily sine. */
  amplitude: number;
  /** Standard deviation of the Gaussian noise. */
  noise: number;
  /** Change of the level per day (a slow linear drift). */
  driftPerDay: number;
  /** Hour (UTC) of the daily peak. */
  peakHour: number;
}

/**
 * A clean signal as a healthy sensor gives it: a daily cycle, Gaussian noise and a slow drift, one
 * reading every `stepMs` from 2024-01-01 UTC. Nothing in it is an anomaly, so every alarm on it is
 * a false one.
 *
 * @example driftingDailySeries({ days: 30, stepMs: 60_000, mean: 20, amplitude: 5, noise: 0.5, driftPerDay: 0.1, peakHour: 15 }, rng)
 */
export function driftingDailySeries(o: DriftingDailyOptions, rng: () => number): SyntheticSeries {
  const start = Date.UTC(2024, 0, 1);
  const perDay = 86_400_000 / o.stepMs;
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < o.days * perDay; i++) {
    const day = i / perDay;
    const cycle = Math.cos(2 * Math.PI * (day - o.peakHour / 24));
    timestamps.push(start + i * o.stepMs);
    values.push(o.mean + o.driftPerDay * day + o.amplitude * cycle + o.noise * gaussian(rng));
  }
  return { timestamps, values };
}
