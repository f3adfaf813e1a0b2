import { describe, expect, it } from 'vitest';
import { type PublishedReading, readingKey } from './expected-readings.js';
import { type GotResult, verifyWindowStep, windowStepPasses } from './verify-windows.js';

const step = { step: 'environment-1m', type: 'environment', sizeMs: 60_000, graceMs: 10_000 };
const reading = (ts: number, t: number): PublishedReading => ({
  type: 'environment',
  deviceId: 'd1',
  site: 's1',
  ts,
  values: { t },
});
const result = (count: number, sum: number, min: number, max: number): GotResult => ({
  deviceId: 'd1',
  windowStart: 0,
  count,
  fields: { t: { count, min, max, sum, mean: sum / count } },
});

// Two readings in one window; the second reached Kafka twice (a source redelivery) and its first
// copy came after the window closed: the pipeline declared it late once.
const acked = [reading(1_000, 1), reading(2_000, 5)];
const kafkaCopies = new Map([
  [readingKey('d1', 1_000), 1],
  [readingKey('d1', 2_000), 2],
]);
const late = new Map([['environment-1m', new Map([[readingKey('d1', 2_000), 1]])]]);
const inputs = { acked, kafkaCopies, late, closedBefore: 1_000_000 };

describe('verifyWindowStep', () => {
  it('with dedupe, a reading declared late once is left out, whatever its copies', () => {
    const v = verifyWindowStep(step, [result(1, 1, 1, 1)], { ...inputs, dedupe: true });
    expect(v.declaredLate).toBe(1);
    expect(windowStepPasses(v)).toBe(true);
  });

  it('without dedupe, its other copy still counts: the same result differs', () => {
    const v = verifyWindowStep(step, [result(1, 1, 1, 1)], { ...inputs, dedupe: false });
    expect(v.declaredLate).toBe(0);
    expect(windowStepPasses(v)).toBe(false);
    expect(windowStepPasses(verifyWindowStep(step, [result(2, 6, 1, 5)], { ...inputs, dedupe: false }))).toBe(true);
  });

  it('with dedupe, a copy counted twice is a difference', () => {
    const noLate = { ...inputs, late: new Map(), dedupe: true };
    expect(windowStepPasses(verifyWindowStep(step, [result(2, 6, 1, 5)], noLate))).toBe(true);
    const v = verifyWindowStep(step, [result(3, 11, 1, 5)], noLate);
    expect(v.mismatched).toBe(1);
    expect(v.explainedByKafkaCopies).toBe(1);
  });
});
