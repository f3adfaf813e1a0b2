import { describe, expect, it } from 'vitest';
import { matchAnomalies } from './anomaly-match.js';

describe('matchAnomalies', () => {
  const injected = [
    { deviceId: 'd1', field: 'temperature', kind: 'SPIKE', startTs: 1000, endTs: 1000 },
    { deviceId: 'd2', field: 'voltage', kind: 'LEVEL_SHIFT', startTs: 5000, endTs: 9000 },
    { deviceId: 'd3', field: '', kind: 'MISSING', startTs: 2000, endTs: 8000 },
    { deviceId: 'd4', field: 'humidity', kind: 'STUCK', startTs: 3000, endTs: 4000 },
    { deviceId: 'd5', field: 'temperature', kind: 'MALFORMED', startTs: 100, endTs: 100 },
  ];

  it('counts found, missed and extra anomalies; MALFORMED is not a detector matter', () => {
    const r = matchAnomalies(
      injected,
      [
        { deviceId: 'd1', field: 'temperature', kind: 'SPIKE', ts: 1000 },
        { deviceId: 'd1', field: 'temperature', kind: 'SPIKE', ts: 1100 }, // a second alarm on the same one
        { deviceId: 'd2', field: 'voltage', kind: 'LEVEL_SHIFT', ts: 9500 }, // within slack after the span
        { deviceId: 'd3', field: 'temperature', kind: 'MISSING', ts: 7000 },
        { deviceId: 'd4', field: 'temperature', kind: 'STUCK', ts: 3500 }, // wrong field
        { deviceId: 'd9', field: 'power', kind: 'DIP', ts: 50 },
      ],
      1000,
    );
    expect(r.found).toBe(3);
    expect(r.missed.map((m) => m.deviceId)).toEqual(['d4']);
    expect(r.extra.map((e) => e.deviceId)).toEqual(['d4', 'd9']);
    expect(r.byKind).toEqual({
      SPIKE: { injected: 1, found: 1 },
      LEVEL_SHIFT: { injected: 1, found: 1 },
      MISSING: { injected: 1, found: 1 },
      STUCK: { injected: 1, found: 0 },
    });
  });

  it('does not match outside the widened span', () => {
    const r = matchAnomalies([injected[0]!], [{ deviceId: 'd1', field: 'temperature', kind: 'SPIKE', ts: 2001 }], 1000);
    expect(r.found).toBe(0);
    expect(r.extra).toHaveLength(1);
  });
});
