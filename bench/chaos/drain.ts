import { setTimeout as sleep } from 'node:timers/promises';
import type { LagSampler } from './lag-sampler.js';

export interface DrainOptions {
  sampler: LagSampler;
  /** Points of the run's readings in InfluxDB now. */
  influxPoints(): Promise<number>;
  /** What InfluxDB should reach (the acked readings). */
  expected: number;
  /** Not done before this (ms epoch): the last windows need stream time to pass their end + grace. */
  notBefore: number;
  timeoutMs: number;
  /** Records of lag per group still taken as drained (transaction markers, a linger). */
  slack?: number;
  say(text: string): void;
}

/**
 * Waits until every group's lag is down to `slack` (three samples in a row), InfluxDB holds the
 * expected points (or their count stopped moving for a minute: the check will say what is
 * missing), and `notBefore` has passed. Returns whether it drained in time.
 */
export async function drain(options: DrainOptions): Promise<boolean> {
  const slack = options.slack ?? 10;
  const deadline = Date.now() + options.timeoutMs;
  let calm = 0;
  let points = -1;
  let pointsSince = Date.now();
  let lastLine = '';
  let lastSaid = 0;
  while (Date.now() < deadline) {
    const sample = options.sampler.latest();
    const lags = sample ? Object.entries(sample.lag).filter(([g]) => g !== 'mqtt') : [];
    const lagOk = lags.length > 0 && lags.every(([, lag]) => lag !== null && lag <= slack);
    calm = lagOk ? calm + 1 : 0;
    const now = await options.influxPoints().catch(() => -1);
    if (now !== points) {
      points = now;
      pointsSince = Date.now();
    }
    const influxOk = points >= options.expected || Date.now() - pointsSince > 60_000;
    const line = `draining: lag ${lags.map(([g, l]) => `${g} ${l ?? '?'}`).join(', ')}; InfluxDB ${points}/${options.expected} readings`;
    if (line !== lastLine || Date.now() - lastSaid > 10_000) {
      const wait = Math.ceil((options.notBefore - Date.now()) / 1000);
      options.say(wait > 0 ? `${line}; last windows close in ~${wait} s` : line);
      lastLine = line;
      lastSaid = Date.now();
    }
    if (calm >= 3 && influxOk && Date.now() >= options.notBefore) return true;
    await sleep(1000);
  }
  return false;
}
