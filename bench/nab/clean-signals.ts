import type { DriftingDailyOptions, SyntheticSeries } from '../../streams/detectors/testing/synthetic-series.js';
import type { Detector } from '../../streams/detectors/types.js';

/**
 * A spread of clean signals (without `days`): amplitudes from 0.5 to 8 noise deviations, drifts up,
 * down and none, peaks at different hours. Fixed by `count` alone, so every run sees the same ones.
 */
export function cleanSignalVariety(count: number): Omit<DriftingDailyOptions, 'days'>[] {
  const amplitudes = [0.5, 2, 4, 8];
  const drifts = [0, 0.05, -0.1, 0.2, -0.02];
  return Array.from({ length: count }, (_, i) => ({
    stepMs: 60_000,
    mean: 20 + i,
    amplitude: amplitudes[i % amplitudes.length] as number,
    noise: 1,
    driftPerDay: drifts[i % drifts.length] as number,
    peakHour: (i * 7) % 24,
  }));
}

/** What {@link countAlarms} found: per threshold, the records at or above it (all series, and the worst one). */
export interface AlarmCount {
  records: number;
  rows: { threshold: number; count: number; worstSeries: number }[];
  /** The detector behind each anomaly at the lowest threshold... as the detector reports it (`combined/<channel>`). */
  channels: Record<string, number>;
}

/** Runs a fresh detector over each series and counts the records after `warmup` that score at least each threshold. */
export function countAlarms(
  make: () => Detector<unknown>,
  series: SyntheticSeries[],
  thresholds: number[],
  warmup: number,
): AlarmCount {
  const totals = thresholds.map(() => 0);
  const worst = thresholds.map(() => 0);
  const channels: Record<string, number> = {};
  let records = 0;
  for (const s of series) {
    const d = make();
    const state = d.init();
    const mine = thresholds.map(() => 0);
    for (let i = 0; i < s.values.length; i++) {
      const r = d.update(state, s.timestamps[i] as number, s.values[i] as number);
      if (i < warmup) continue;
      records++;
      thresholds.forEach((t, j) => {
        if (r.score >= t) mine[j] = (mine[j] as number) + 1;
      });
      if (r.anomaly) channels[r.anomaly.detector] = (channels[r.anomaly.detector] ?? 0) + 1;
    }
    mine.forEach((n, j) => {
      totals[j] = (totals[j] as number) + n;
      worst[j] = Math.max(worst[j] as number, n);
    });
  }
  return {
    records,
    rows: thresholds.map((threshold, j) => ({
      threshold,
      count: totals[j] as number,
      worstSeries: worst[j] as number,
    })),
    channels,
  };
}
