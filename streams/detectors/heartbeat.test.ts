import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEARTBEAT,
  heartbeatCheck,
  heartbeatObserve,
  heartbeatPunctuate,
  heartbeatState,
  missingAnomaly,
  validateHeartbeat,
} from './heartbeat.js';

const MIN = 60_000;

function learned(times: number[]) {
  const s = heartbeatState();
  for (const t of times) heartbeatObserve(s, t);
  return s;
}

describe('heartbeat', () => {
  it('learns the usual interval and turns MISSING after tolerance x interval of silence', () => {
    const s = learned([0, 1, 2, 3, 4, 5, 6].map((i) => i * MIN));
    const last = 6 * MIN;
    expect(heartbeatCheck(s, last + 3 * MIN, DEFAULT_HEARTBEAT)).toMatchObject({
      status: 'OK',
      intervalMs: MIN,
      deadline: last + 3 * MIN,
    });
    expect(heartbeatCheck(s, last + 3 * MIN + 1, DEFAULT_HEARTBEAT).status).toBe('MISSING');
  });

  it('is not fooled by one long outage or by out-of-order readings (median gap)', () => {
    const s = learned([0, 1, 2, 3, 30, 31, 32, 33].map((i) => i * MIN));
    heartbeatObserve(s, 10 * MIN); // late reading: no gap, lastSeen unchanged
    expect(s.lastSeen).toBe(33 * MIN);
    expect(heartbeatCheck(s, 33 * MIN + 4 * MIN, DEFAULT_HEARTBEAT).status).toBe('MISSING');
  });

  it('follows a device that changes pace within a few readings (median of the last 15 gaps)', () => {
    const s = learned(Array.from({ length: 200 }, (_, i) => i * MIN));
    const last = 199 * MIN;
    for (let i = 1; i <= 8; i++) heartbeatObserve(s, last + i * 1000); // now one a second
    expect(heartbeatCheck(s, last + 8000 + 3001, DEFAULT_HEARTBEAT)).toMatchObject({
      status: 'MISSING',
      intervalMs: 1000,
    });
  });

  it('uses the configured interval until enough gaps are seen, and is UNKNOWN without one', () => {
    const s = learned([0, MIN]);
    expect(heartbeatCheck(s, 10 * MIN, DEFAULT_HEARTBEAT).status).toBe('UNKNOWN');
    const withFallback = { ...DEFAULT_HEARTBEAT, expectedInterval: 5 * MIN };
    expect(heartbeatCheck(s, MIN + 15 * MIN, withFallback).status).toBe('OK');
    expect(heartbeatCheck(s, MIN + 15 * MIN + 1, withFallback).status).toBe('MISSING');
  });

  it('reports a change once for the punctuator: MISSING once per silence, OK once when back', () => {
    const s = learned([0, 1, 2, 3, 4, 5].map((i) => i * MIN));
    const c = DEFAULT_HEARTBEAT;
    expect(heartbeatPunctuate(s, 6 * MIN, c)).toMatchObject({ status: 'OK', changed: true });
    expect(heartbeatPunctuate(s, 7 * MIN, c).changed).toBe(false);
    const missing = heartbeatPunctuate(s, 9 * MIN, c);
    expect(missing).toMatchObject({ status: 'MISSING', changed: true });
    expect(missingAnomaly(missing, c)).toEqual({
      kind: 'MISSING',
      expected: MIN,
      lower: 0,
      upper: 3 * MIN,
      detector: 'heartbeat',
    });
    expect(heartbeatPunctuate(s, 10 * MIN, c).changed).toBe(false);
    heartbeatObserve(s, 10 * MIN);
    expect(heartbeatPunctuate(s, 10 * MIN + 1, c)).toMatchObject({ status: 'OK', changed: true });
  });

  it('names the key of a bad setting', () => {
    expect(() => validateHeartbeat({ tolerance: 0.5, minSamples: 5 })).toThrow(/detectors\.missing\.tolerance/);
  });
});
