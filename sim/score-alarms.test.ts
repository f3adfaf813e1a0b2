import { describe, expect, it } from 'vitest';
import { type Alarm, anomalyWindow, type ScoredAnomaly, scoreAlarms } from './score-alarms.js';

const T = Date.UTC(2025, 0, 15);
const S = 1000;
const MIN = 60_000;
const HOUR = 3_600_000;

const anomaly = (over: Partial<ScoredAnomaly>): ScoredAnomaly => ({
  deviceId: 'd1',
  field: 'temperature',
  kind: 'SPIKE',
  startTs: T,
  endTs: T,
  ...over,
});
const alarm = (over: Partial<Alarm>): Alarm => ({
  deviceId: 'd1',
  field: 'temperature',
  kind: 'SPIKE',
  ts: T,
  ...over,
});
// 10 devices over 10 h: 100 device-hours.
const options = { span: { startTs: T - 5 * HOUR, endTs: T + 5 * HOUR }, devices: 10, intervalMs: S };

describe('anomalyWindow', () => {
  it('is [start - w/2, end + w] with w = max(10 intervals, 10% of the span)', () => {
    // A single reading at 1 s: w = 10 s.
    expect(anomalyWindow({ startTs: T, endTs: T }, S)).toEqual({ startTs: T - 5 * S, endTs: T + 10 * S });
    // 100 readings at 1 s (99 s): 10 intervals still win.
    expect(anomalyWindow({ startTs: T, endTs: T + 99 * S }, S)).toEqual({ startTs: T - 5 * S, endTs: T + 109 * S });
    // 1000 s long: 10% = 100 s wins.
    expect(anomalyWindow({ startTs: T, endTs: T + 1000 * S }, S)).toEqual({
      startTs: T - 50 * S,
      endTs: T + 1100 * S,
    });
    // A spike in a 1 min history: [t - 5 min, t + 10 min].
    expect(anomalyWindow({ startTs: T, endTs: T }, MIN)).toEqual({ startTs: T - 5 * MIN, endTs: T + 10 * MIN });
    expect(anomalyWindow({ startTs: T, endTs: T }, S, 4, 0.5)).toEqual({ startTs: T - 2 * S, endTs: T + 4 * S });
  });
});

describe('scoreAlarms', () => {
  it('detects an anomaly with an alarm of the same device and field inside its window, on either side', () => {
    const truth = [anomaly({})];
    const at = (ts: number, over: Partial<Alarm> = {}) =>
      scoreAlarms(truth, [alarm({ ts, ...over })], options).overall.detected;
    expect(at(T)).toBe(1);
    expect(at(T - 5 * S)).toBe(1); // the window's first instant
    expect(at(T + 10 * S)).toBe(1); // and its last
    expect(at(T - 5 * S - 1)).toBe(0);
    expect(at(T + 10 * S + 1)).toBe(0);
    expect(at(T, { field: 'humidity' })).toBe(0);
    expect(at(T, { deviceId: 'd2' })).toBe(0);
    // The alarm's kind does not matter: a drift reported as a level shift is found.
    expect(at(T, { kind: 'LEVEL_SHIFT' })).toBe(1);
  });

  it("uses the truth record's own interval (history and live differ)", () => {
    const truth = [anomaly({ intervalMs: MIN })];
    expect(scoreAlarms(truth, [alarm({ ts: T + 9 * MIN })], options).overall.detected).toBe(1);
    expect(scoreAlarms([anomaly({})], [alarm({ ts: T + 9 * MIN })], options).overall.detected).toBe(0);
  });

  it('matches MISSING by device only, with MISSING alarms (field ""), never field alarms', () => {
    const truth = [anomaly({ kind: 'MISSING', field: '', startTs: T, endTs: T + 20 * S })];
    const detected = (a: Alarm) => scoreAlarms(truth, [a], options).overall.detected;
    expect(detected(alarm({ kind: 'MISSING', field: '', ts: T + 25 * S }))).toBe(1);
    expect(detected(alarm({ kind: 'MISSING', field: 'temperature', ts: T + 25 * S }))).toBe(1);
    expect(detected(alarm({ kind: 'SPIKE', field: 'temperature', ts: T + 5 * S }))).toBe(0);
    // ...and a MISSING alarm is no detection of a field's anomaly.
    expect(scoreAlarms([anomaly({})], [alarm({ kind: 'MISSING', field: '' })], options).overall.detected).toBe(0);
  });

  it('counts alarms inside one window once for recall, all of them for alarms per detected anomaly', () => {
    const truth = [
      anomaly({ kind: 'LEVEL_SHIFT', startTs: T, endTs: T + 59 * S }),
      anomaly({ deviceId: 'd2', kind: 'LEVEL_SHIFT', startTs: T, endTs: T + 59 * S }),
    ];
    const alarms = [alarm({ ts: T + 3 * S }), alarm({ ts: T + 30 * S }), alarm({ ts: T + 62 * S })];
    const score = scoreAlarms(truth, alarms, options);
    expect(score.byKind.LEVEL_SHIFT).toEqual({
      injected: 2,
      detected: 1,
      recall: 0.5,
      alarmsInWindows: 3,
      alarmsPerDetected: 3,
    });
    expect(score.overall.falseAlarms).toBe(0);
    expect(score.missed).toEqual([{ deviceId: 'd2', field: 'temperature', kind: 'LEVEL_SHIFT', startTs: T }]);
  });

  it('counts alarms in no window as false, per 100 device-hours of the span, by alarm kind', () => {
    const truth = [anomaly({})];
    const alarms = [
      alarm({ ts: T }),
      alarm({ ts: T + HOUR }),
      alarm({ ts: T - HOUR, kind: 'LEVEL_SHIFT' }),
      alarm({ ts: T, field: 'humidity' }),
      alarm({ ts: T, deviceId: 'd9', kind: 'MISSING', field: '' }),
      alarm({ ts: T + 6 * HOUR }), // after the span, in no window: another run's
    ];
    const score = scoreAlarms(truth, alarms, options);
    expect(score.span.deviceHours).toBe(100);
    expect(score.overall).toMatchObject({
      injected: 1,
      detected: 1,
      recall: 1,
      alarms: 5,
      alarmsInWindows: 1,
      falseAlarms: 4,
      falseAlarmsPer100DeviceHours: 4,
      alarmsOutsideSpan: 1,
    });
    expect(score.falseAlarmsByKind).toEqual({ SPIKE: 2, LEVEL_SHIFT: 1, MISSING: 1 });
  });

  it('counts an alarm in two overlapping windows once, detecting both anomalies', () => {
    const truth = [anomaly({ kind: 'SPIKE' }), anomaly({ kind: 'DIP', startTs: T + 4 * S, endTs: T + 4 * S })];
    const score = scoreAlarms(truth, [alarm({ ts: T + 2 * S })], options);
    expect(score.overall).toMatchObject({ detected: 2, alarmsInWindows: 1, alarmsPerDetected: 0.5 });
    expect(score.byKind.SPIKE?.alarmsInWindows).toBe(1);
    expect(score.byKind.DIP?.alarmsInWindows).toBe(1);
  });

  it('leaves MALFORMED out and survives JSON with no anomaly, no alarm and an empty span', () => {
    const score = scoreAlarms([anomaly({ kind: 'MALFORMED', field: '' })], [], {
      ...options,
      span: { startTs: T, endTs: T },
    });
    expect(score.overall).toMatchObject({
      injected: 0,
      detected: 0,
      recall: null,
      alarmsPerDetected: null,
      falseAlarmsPer100DeviceHours: null,
    });
    expect(score.byKind).toEqual({});
    expect(JSON.parse(JSON.stringify(score))).toEqual(score);
  });
});
