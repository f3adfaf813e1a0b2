import type { DriftingDailyOptions, SyntheticSeries } from '../../streams/detectors/testing/synthetic-series.js';
import type { Detector } from '../../streams/detectors/types.js';

/**
 * A spread of clean signals (without `days`): daily amplitudes of 0.5 to 8 noise deviations, drifts
 * up, down and none, peaks at different hours. Fixed by `count` alone, so every run sees the same.
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

/** What {@link countAlarms} found: the alarms (anomalies) after each detector's warm-up. */
export interface AlarmCount {
  /** Records after the warm-up (all series). */
  records: number;
  alarms: number;
  worstSeries: number;
  /** Alarms by the detector that raised them (`combined/<channel>`). */
  channels: Record<string, number>;
}

/**
 * Runs a fresh detector over each series and counts the alarms it raises (results with an
 * `anomaly`); the records counted are those after `warmup` (the detector's own warm-up by default
 * of 600, in which it raises none).
 */
export function countAlarms(make: () => Detector<unknown>, series: SyntheticSeries[], warmup = 600): AlarmCount {
  const channels: Record<string, number> = {};
  let records = 0;
  let alarms = 0;
  let worstSeries = 0;
  for (const s of series) {
    const d = make();
    const state = d.init();
    let mine = 0;
    for (let i = 0; i < s.values.length; i++) {
      const r = d.update(state, s.timestamps[i] as number, s.values[i] as number);
      if (i >= warmup) records++;
      if (!r.anomaly) continue;
      mine++;
      channels[r.anomaly.detector] = (channels[r.anomaly.detector] ?? 0) + 1;
    }
    alarms += mine;
    worstSeries = Math.max(worstSeries, mine);
  }
  return { records, alarms, worstSeries, channels };
}
