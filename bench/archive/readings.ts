/**
 * Environment readings shaped like the demo fleet's (random walks at 3 decimals, a few nulls), for
 * the archive benchmarks: deterministic for a seed.
 */
export interface BenchReading {
  deviceId: string;
  ts: number;
  site: string;
  temperature: number | null;
  humidity: number | null;
  pressure: number | null;
}

export function fleetReadings(options: {
  devices: number;
  perDevice: number;
  intervalMs: number;
  startMs: number;
  seed?: number;
}): BenchReading[] {
  let seed = options.seed ?? 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const state = Array.from({ length: options.devices }, () => ({
    t: 18 + random() * 6,
    h: 40 + random() * 20,
    p: 1000 + random() * 25,
  }));
  const out: BenchReading[] = [];
  for (let k = 0; k < options.perDevice; k++) {
    for (let d = 0; d < options.devices; d++) {
      const s = state[d] as { t: number; h: number; p: number };
      s.t += (random() - 0.5) * 0.2;
      s.h += (random() - 0.5) * 0.5;
      s.p += (random() - 0.5) * 0.3;
      out.push({
        deviceId: `env-${String(d).padStart(4, '0')}`,
        ts: options.startMs + k * options.intervalMs + Math.floor(random() * 1000),
        site: `site-${d % 10}`,
        temperature: Math.round(s.t * 1000) / 1000,
        humidity: random() < 0.02 ? null : Math.round(s.h * 1000) / 1000,
        pressure: Math.round(s.p * 100) / 100,
      });
    }
  }
  return out;
}
