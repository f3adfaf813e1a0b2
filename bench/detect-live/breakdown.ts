import type { TruthRecord } from '../../sim/ground-truth.js';
import { anomalyWindow } from '../../sim/score-alarms.js';
import type { AnomalyRecord } from '../../streams/topologies/detect/anomaly-record.js';
import { type FleetRun, traceKey } from './fleet-run.js';

/** A false alarm (an OPEN incident in no anomaly's window, inside the scored span). */
export interface FalseAlarm {
  record: AnomalyRecord;
  /** Hours of event time since the scored span started (the warm-up's end). */
  hoursIn: number;
}

/** A missed anomaly, with its size and what the combined detector made of its window. */
export interface MissedAnomaly {
  truth: TruthRecord;
  /** SPIKE/DIP: |value - expected| / sigma; LEVEL_SHIFT/DRIFT: |offset| / sigma; NOISE_BURST: the factor. */
  sigmas: number;
  /** SPIKE/DIP: how far beyond the day's range, in daily ranges (negative: inside); shifts: |offset| / daily range. */
  ranges: number;
  /** The highest combined score in the anomaly's window, its channel, and the record index of the anomaly's start. */
  maxScore: number;
  channel: string;
  record: number;
  /** Records the combined detector had seen at the anomaly's start (fewer than its warm-up: it could not alarm). */
  seen: number;
}

const isOpen = (r: AnomalyRecord) => r.status === 'OPEN';

/** Splits a run's OPEN incidents into false alarms and lists the missed anomalies with their sizes. */
export function breakdown(
  run: FleetRun,
  span: { startTs: number; endTs: number },
): { falseAlarms: FalseAlarm[]; missed: MissedAnomaly[] } {
  const truth = run.truth.filter((t) => t.kind !== 'MALFORMED');
  const target = (deviceId: string, field: string, kind: string) =>
    `${deviceId}\u0000${kind === 'MISSING' ? '' : field}`;
  const windows = truth.map((t) => ({ t, w: anomalyWindow(t, t.intervalMs ?? run.options.intervalMs) }));
  const byTarget = new Map<string, typeof windows>();
  for (const x of windows) {
    const k = target(x.t.deviceId, x.t.field, x.t.kind);
    byTarget.set(k, [...(byTarget.get(k) ?? []), x]);
  }
  const detected = new Set<TruthRecord>();
  const falseAlarms: FalseAlarm[] = [];
  for (const r of run.records.filter(isOpen)) {
    if (r.ts < run.startTs || r.ts > run.endTs) continue;
    let hit = false;
    for (const x of byTarget.get(target(r.deviceId, r.field, r.kind)) ?? [])
      if (r.ts >= x.w.startTs && r.ts <= x.w.endTs) {
        hit = true;
        detected.add(x.t);
      }
    if (!hit && r.ts >= span.startTs && r.ts <= span.endTs)
      falseAlarms.push({ record: r, hoursIn: (r.ts - span.startTs) / 3_600_000 });
  }
  const missed: MissedAnomaly[] = [];
  for (const { t, w } of windows) {
    if (detected.has(t)) continue;
    const sigma = t.sigma ?? Number.NaN;
    const range = (t.dailyHigh ?? Number.NaN) - (t.dailyLow ?? Number.NaN);
    let sigmas = Number.NaN;
    let ranges = Number.NaN;
    if (t.kind === 'SPIKE' || t.kind === 'DIP') {
      const v = t.value ?? Number.NaN;
      sigmas = Math.abs(v - (t.expected ?? Number.NaN)) / sigma;
      ranges = (t.kind === 'SPIKE' ? v - (t.dailyHigh ?? 0) : (t.dailyLow ?? 0) - v) / range;
    } else if (t.kind === 'LEVEL_SHIFT' || t.kind === 'DRIFT') {
      sigmas = Math.abs(t.offset ?? Number.NaN) / sigma;
      ranges = Math.abs(t.offset ?? Number.NaN) / range;
    } else if (t.kind === 'NOISE_BURST') {
      sigmas = t.noiseFactor ?? Number.NaN;
      ranges = sigma / range;
    } else if (t.kind === 'STUCK') {
      sigmas = t.readings;
      ranges = sigma / range;
    }
    let maxScore = 0;
    let channel = 'none';
    let record = -1;
    let seen = -1;
    const trace = run.traces.get(traceKey(t.deviceId, t.field));
    if (trace) {
      for (let i = 0; i < trace.ts.length; i++) {
        const ts = trace.ts[i] as number;
        if (record < 0 && ts >= t.startTs) {
          record = i;
          seen = trace.seen[i] as number;
        }
        if (ts < w.startTs || ts > w.endTs) continue;
        if ((trace.scores[i] as number) > maxScore) {
          maxScore = trace.scores[i] as number;
          channel = trace.channels[i] as string;
        }
      }
    }
    missed.push({ truth: t, sigmas, ranges, maxScore, channel, record, seen });
  }
  return { falseAlarms, missed };
}
