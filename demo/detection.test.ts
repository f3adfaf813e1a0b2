import { describe, expect, it } from 'vitest';
import type { TruthRecord } from '../sim/ground-truth.js';
import type { SimulationSummary } from '../sim/simulation-summary.js';
import { alarmsOfRun, scoreDetection } from './detection.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

describe('demo detection scoring', () => {
  it('scores each incident once (its OPEN record) inside the run, and leaves the warm-up out of the device-hours', () => {
    const incidents = [
      { deviceId: 'd1', field: 't', kind: 'SPIKE', ts: T0 + 13 * H, status: 'OPEN' },
      { deviceId: 'd1', field: 't', kind: 'SPIKE', ts: T0 + 13 * H, status: 'CLOSED' },
      { deviceId: 'd2', field: 't', kind: 'DIP', ts: T0 + 20 * H, status: 'OPEN' }, // no anomaly there
      { deviceId: 'd1', field: '', kind: 'MISSING', ts: T0 + 25 * H, status: 'OPEN' }, // after the run
    ];
    const simulation = { startTs: T0, endTs: T0 + 24 * H, devices: 2, live: { intervalMs: 60_000 } };
    const alarms = alarmsOfRun(incidents, simulation);
    expect(alarms).toHaveLength(2);
    const truth = [
      { deviceId: 'd1', field: 't', kind: 'SPIKE', startTs: T0 + 13 * H, endTs: T0 + 13 * H, intervalMs: 60_000 },
      { deviceId: 'd2', field: 'h', kind: 'STUCK', startTs: T0 + 14 * H, endTs: T0 + 15 * H, intervalMs: 60_000 },
    ] as TruthRecord[];
    const score = scoreDetection(truth, alarms, simulation as unknown as SimulationSummary, 12 * H);
    expect(score.overall).toMatchObject({ injected: 2, detected: 1, recall: 0.5, falseAlarms: 1 });
    expect(score.span.deviceHours).toBeCloseTo(24); // 2 devices x 12 h after the warm-up
    expect(score.overall.falseAlarmsPer100DeviceHours).toBeCloseTo(100 / 24, 3);
    expect(score.byKind.STUCK?.detected).toBe(0);
  });
});
