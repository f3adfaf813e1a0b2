import { describe, expect, it } from 'vitest';
import { downsample, nearestIndex, type Point } from './downsample.js';

/** A day at one reading per 10 s: a slow sine, one spike and one dip. */
function day(): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < 8640; i++) points.push([1_700_000_000_000 + i * 10_000, 20 + Math.sin(i / 500)]);
  (points[1234] as Point)[1] = 90;
  (points[5678] as Point)[1] = -50;
  return points;
}

describe('downsample', () => {
  it('keeps short series whole', () => {
    const points: Point[] = [
      [1, 1],
      [2, 2],
    ];
    expect(downsample(points, 2000)).toEqual(points);
  });

  it('keeps at most maxPoints, in time order, a subset of the input, first and last included', () => {
    const points = day();
    const out = downsample(points, 2000);
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out.length).toBeGreaterThan(1900);
    expect(out[0]).toEqual(points[0]);
    expect(out.at(-1)).toEqual(points.at(-1));
    for (let i = 1; i < out.length; i++) expect((out[i] as Point)[0]).toBeGreaterThan((out[i - 1] as Point)[0]);
    const input = new Set(points);
    for (const p of out) expect(input.has(p)).toBe(true);
  });

  it('keeps one-reading extremes and the range of the series', () => {
    const out = downsample(day(), 200);
    expect(out).toContainEqual([1_700_000_000_000 + 1234 * 10_000, 90]);
    expect(out).toContainEqual([1_700_000_000_000 + 5678 * 10_000, -50]);
  });

  it('keeps the readings nearest the times asked for (alarms, anomalies)', () => {
    const points = day();
    const keep = [1_700_000_000_000 + 4321 * 10_000 + 4_000, 1_700_000_000_000 + 777 * 10_000 - 3_000];
    const out = downsample(points, 100, keep);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).toContain(points[4321]);
    expect(out).toContain(points[777]);
  });

  it('keeps every asked-for reading even past maxPoints', () => {
    const points = day();
    const keep = points.slice(0, 300).map(([t]) => t);
    expect(downsample(points, 100, keep).length).toBeGreaterThanOrEqual(300);
  });
});

describe('nearestIndex', () => {
  const points: Point[] = [
    [10, 0],
    [20, 0],
    [40, 0],
  ];
  it('finds the nearest reading in time, before or after, clamped to the ends', () => {
    expect(nearestIndex(points, 0)).toBe(0);
    expect(nearestIndex(points, 14)).toBe(0);
    expect(nearestIndex(points, 16)).toBe(1);
    expect(nearestIndex(points, 29)).toBe(1);
    expect(nearestIndex(points, 31)).toBe(2);
    expect(nearestIndex(points, 99)).toBe(2);
  });
});
