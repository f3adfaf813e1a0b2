import { describe, expect, it } from 'vitest';
import { LagTimeEstimator } from './lag-time.js';

describe('LagTimeEstimator', () => {
  it('interpolates when the high watermark stood at the committed offset', () => {
    const est = new LagTimeEstimator();
    est.observe('t', 0, '100', 0);
    est.observe('t', 0, '200', 10_000);
    est.observe('t', 0, '400', 20_000);
    expect(est.estimateSeconds('t', 0, '150', 20_000)).toBeCloseTo(15, 6);
    expect(est.estimateSeconds('t', 0, '300', 20_000)).toBeCloseTo(5, 6);
    expect(est.estimateSeconds('t', 0, '200', 21_000)).toBeCloseTo(11, 6);
  });

  it('is 0 when caught up and undefined with no history', () => {
    const est = new LagTimeEstimator();
    expect(est.estimateSeconds('t', 0, '5', 0)).toBeUndefined();
    est.observe('t', 0, '5', 0);
    expect(est.estimateSeconds('t', 0, '5', 60_000)).toBe(0);
    expect(est.estimateSeconds('t', 1, '5', 60_000)).toBeUndefined();
  });

  it('extrapolates before the oldest sample at the observed rate', () => {
    const est = new LagTimeEstimator();
    est.observe('t', 0, '1000', 10_000);
    est.observe('t', 0, '2000', 20_000); // 100 records/s
    expect(est.estimateSeconds('t', 0, '500', 20_000)).toBeCloseTo(15, 6);
  });

  it('with no growth seen, gives the age of the oldest sample as a lower bound', () => {
    const est = new LagTimeEstimator();
    est.observe('t', 0, '50', 1_000);
    est.observe('t', 0, '50', 5_000);
    expect(est.estimateSeconds('t', 0, '10', 11_000)).toBe(10);
  });

  it('keeps flat stretches and history bounded', () => {
    const est = new LagTimeEstimator(4);
    for (let i = 0; i < 100; i++) est.observe('t', 0, '7', i * 1000);
    expect(est.estimateSeconds('t', 0, '3', 100_000)).toBe(100);
    for (let i = 0; i < 100; i++) est.observe('t', 0, String(10 + i), 200_000 + i * 1000);
    // only the last 4 samples remain: offsets 106..109 at 296..299 s; offset 100 extrapolates
    expect(est.estimateSeconds('t', 0, '100', 299_000)).toBeCloseTo(9, 6);
  });

  it('starts over when a topic is recreated (high watermark went down)', () => {
    const est = new LagTimeEstimator();
    est.observe('t', 0, '1000', 0);
    est.observe('t', 0, '10', 50_000);
    est.observe('t', 0, '20', 60_000);
    expect(est.estimateSeconds('t', 0, '15', 60_000)).toBeCloseTo(5, 6);
  });
});
