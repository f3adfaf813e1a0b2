/**
 * Scores the alarms a pipeline raised against the simulator's ground truth, the way NAB (the
 * Numenta Anomaly Benchmark) does: each injected anomaly gets a window around it, wider than the
 * anomaly so a detector that needs a few readings (or fires a little early) still counts; an
 * anomaly is detected when at least one alarm of the same target falls in its window, however many
 * do; alarms in no window are false alarms. Pure: no I/O, JSON-serialisable result.
 *
 * Window rule: w = max(`windowReadings` x the device's reading interval, `windowFraction` x the
 * anomaly's span (endTs - startTs)); the window is [startTs - w/2, endTs + w] (closed). With the
 * defaults (10 readings, 10 %): a spike at a 1 min interval has [t - 5 min, t + 10 min]; a 60-reading
 * level shift at 1 s has [start - 5 s, end + 10 s]. The interval is the truth record's `intervalMs`
 * (history and live differ) or `options.intervalMs`.
 *
 * Target: the same deviceId and field. MISSING is about the whole device: its truth has field ''
 * and it matches the device's MISSING alarms (an alarm of kind MISSING counts as field '', whatever
 * field it names); field alarms never match a MISSING, nor MISSING alarms a field's anomaly. The
 * alarm's kind otherwise does not matter (a detector may report a DRIFT as a LEVEL_SHIFT).
 * MALFORMED truth is not scored (the MQTT source dead-letters those readings; no detector sees them).
 */

/** A ground-truth anomaly as scoring needs it: a TruthRecord (sim/ground-truth.ts) fits. */
export interface ScoredAnomaly {
  deviceId: string;
  field: string;
  kind: string;
  startTs: number;
  endTs: number;
  /** The device's reading interval when the anomaly started, ms. */
  intervalMs?: number;
}

/** An alarm the pipeline raised (a telemetry.anomalies record): MISSING alarms have field ''. */
export interface Alarm {
  deviceId: string;
  field: string;
  kind: string;
  /** Event time of the alarm, epoch ms. */
  ts: number;
}

/**
 * What scoring needs besides truth and alarms. From the simulator's summary: `span` = { startTs, endTs },
 * `devices`, `intervalMs` = `live.intervalMs` (truth records carry their own interval).
 *
 * @example
 *   scoreAlarms(truth, alarms, { span: { startTs: s.startTs, endTs: s.endTs }, devices: s.devices, intervalMs: s.live.intervalMs })
 */
export interface ScoreOptions {
  /** The event time the run covered, history included, epoch ms (inclusive). */
  span: { startTs: number; endTs: number };
  /** Devices in the fleet: device-hours = devices x span. */
  devices: number;
  /** Reading interval of anomalies whose truth has no `intervalMs`, ms. */
  intervalMs: number;
  /** Window width in readings (default 10). */
  windowReadings?: number;
  /** Window width as a fraction of the anomaly's span (default 0.1). */
  windowFraction?: number;
}

/** Recall and alarm counts of one kind of injected anomaly (or of all). */
export interface KindScore {
  injected: number;
  detected: number;
  /** detected / injected; null when nothing was injected. */
  recall: number | null;
  /** Alarms inside the windows of these anomalies (each alarm once). */
  alarmsInWindows: number;
  /** alarmsInWindows / detected (1 = one alarm per detected anomaly); null when none was detected. */
  alarmsPerDetected: number | null;
}

/**
 * What `scoreAlarms` returns.
 *
 * @example
 *   { "window": { "readings": 10, "fraction": 0.1, "rule": "..." },
 *     "span": { "startTs": 1732284000000, "endTs": 1732370460000, "devices": 1000, "deviceHours": 24016.7 },
 *     "overall": { "injected": 812, "detected": 640, "recall": 0.7882, "alarmsInWindows": 901,
 *                  "alarmsPerDetected": 1.4078, "alarms": 1190, "falseAlarms": 289,
 *                  "falseAlarmsPer100DeviceHours": 1.2033, "alarmsOutsideSpan": 0 },
 *     "byKind": { "SPIKE": { "injected": 120, "detected": 118, ... }, ... },
 *     "falseAlarmsByKind": { "SPIKE": 200, "LEVEL_SHIFT": 89 },
 *     "missed": [ { "deviceId": "sim-000042", "field": "humidity", "kind": "DRIFT", "startTs": 1732300000000 } ] }
 */
export interface AlarmScore {
  window: { readings: number; fraction: number; rule: string };
  span: { startTs: number; endTs: number; devices: number; deviceHours: number };
  overall: KindScore & {
    /** Alarms scored: inside the span or inside a window. */
    alarms: number;
    /** Alarms inside no window. */
    falseAlarms: number;
    /** falseAlarms per 100 device-hours of event time; null when the span is empty. */
    falseAlarmsPer100DeviceHours: number | null;
    /** Alarms outside the span and every window: not scored (another run's, most likely). */
    alarmsOutsideSpan: number;
  };
  /** By injected kind. */
  byKind: Record<string, KindScore>;
  /** False alarms by the alarm's kind. */
  falseAlarmsByKind: Record<string, number>;
  /** The first `MISSED_LISTED` anomalies not detected, in truth order. */
  missed: Array<{ deviceId: string; field: string; kind: string; startTs: number }>;
}

/** How many missed anomalies the score lists. */
export const MISSED_LISTED = 50;

const DEFAULT_WINDOW_READINGS = 10;
const DEFAULT_WINDOW_FRACTION = 0.1;

/** The NAB-style window of one anomaly (closed, epoch ms): see the module's rule. */
export function anomalyWindow(
  a: Pick<ScoredAnomaly, 'startTs' | 'endTs'>,
  intervalMs: number,
  windowReadings = DEFAULT_WINDOW_READINGS,
  windowFraction = DEFAULT_WINDOW_FRACTION,
): { startTs: number; endTs: number } {
  const w = Math.max(windowReadings * intervalMs, windowFraction * (a.endTs - a.startTs));
  return { startTs: a.startTs - w / 2, endTs: a.endTs + w };
}

/** The target an alarm or an anomaly is about: device and field ('' for the whole device). */
function target(deviceId: string, field: string, kind: string): string {
  return `${deviceId}\u0000${kind === 'MISSING' ? '' : field}`;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

export function scoreAlarms(
  truth: readonly ScoredAnomaly[],
  alarms: readonly Alarm[],
  options: ScoreOptions,
): AlarmScore {
  const readings = options.windowReadings ?? DEFAULT_WINDOW_READINGS;
  const fraction = options.windowFraction ?? DEFAULT_WINDOW_FRACTION;
  const scored = truth.filter((a) => a.kind !== 'MALFORMED');
  const windows = scored.map((a) => anomalyWindow(a, a.intervalMs ?? options.intervalMs, readings, fraction));
  const byTarget = new Map<string, number[]>();
  scored.forEach((a, i) => {
    const key = target(a.deviceId, a.field, a.kind);
    const list = byTarget.get(key);
    if (list) list.push(i);
    else byTarget.set(key, [i]);
  });

  const detected = new Array<boolean>(scored.length).fill(false);
  const inWindowsByKind = new Map<string, number>();
  const falseAlarmsByKind: Record<string, number> = {};
  let inWindows = 0;
  let falseAlarms = 0;
  let outside = 0;
  for (const alarm of alarms) {
    const kinds = new Set<string>();
    for (const i of byTarget.get(target(alarm.deviceId, alarm.field, alarm.kind)) ?? []) {
      const w = windows[i] as { startTs: number; endTs: number };
      if (alarm.ts < w.startTs || alarm.ts > w.endTs) continue;
      detected[i] = true;
      kinds.add((scored[i] as ScoredAnomaly).kind);
    }
    if (kinds.size > 0) {
      inWindows += 1;
      for (const k of kinds) inWindowsByKind.set(k, (inWindowsByKind.get(k) ?? 0) + 1);
    } else if (alarm.ts < options.span.startTs || alarm.ts > options.span.endTs) outside += 1;
    else {
      falseAlarms += 1;
      falseAlarmsByKind[alarm.kind] = (falseAlarmsByKind[alarm.kind] ?? 0) + 1;
    }
  }

  const byKind: Record<string, KindScore> = {};
  const missed: AlarmScore['missed'] = [];
  scored.forEach((a, i) => {
    const k = byKind[a.kind] ?? { injected: 0, detected: 0, recall: null, alarmsInWindows: 0, alarmsPerDetected: null };
    byKind[a.kind] = k;
    k.injected += 1;
    if (detected[i]) k.detected += 1;
    else if (missed.length < MISSED_LISTED)
      missed.push({ deviceId: a.deviceId, field: a.field, kind: a.kind, startTs: a.startTs });
  });
  for (const [kind, k] of Object.entries(byKind)) {
    k.recall = ratio(k.detected, k.injected);
    k.alarmsInWindows = inWindowsByKind.get(kind) ?? 0;
    k.alarmsPerDetected = ratio(k.alarmsInWindows, k.detected);
  }
  const found = detected.filter(Boolean).length;
  const deviceHours = (options.devices * Math.max(0, options.span.endTs - options.span.startTs)) / 3_600_000;
  return {
    window: {
      readings,
      fraction,
      rule: `w = max(${readings} x reading interval, ${fraction} x (endTs - startTs)); window [startTs - w/2, endTs + w]`,
    },
    span: {
      startTs: options.span.startTs,
      endTs: options.span.endTs,
      devices: options.devices,
      deviceHours: Math.round(deviceHours * 1000) / 1000,
    },
    overall: {
      injected: scored.length,
      detected: found,
      recall: ratio(found, scored.length),
      alarmsInWindows: inWindows,
      alarmsPerDetected: ratio(inWindows, found),
      alarms: alarms.length - outside,
      falseAlarms,
      falseAlarmsPer100DeviceHours: ratio(falseAlarms * 100, deviceHours),
      alarmsOutsideSpan: outside,
    },
    byKind,
    falseAlarmsByKind,
    missed,
  };
}
