/**
 * The live detection targets (issue 12) at a short scale, with the demo's scoring code: the demo's
 * fleet, injector and detect step offline (bench/detect-live/fleet-run.ts, the detectors of
 * config/pipeline.yaml), scored as demo/detection.ts scores a demo run. Full scale, several seeds:
 * `node_modules/.bin/tsx bench/detect-live/run.ts --seeds 1,2,3,7,11` (docs/BENCHMARKS.md).
 */
import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, runFleet, scoreRun } from './fleet-run.js';

/** The targets at the demo's defaults. */
const TARGETS = { overallRecall: 0.9, kindRecall: 0.75, falseAlarmsPer100DeviceHours: 1 };

describe('live detection targets at a short scale (fixed seed)', () => {
  it('detects >= 90% of the injected anomalies, >= 75% of every kind, with <= 1 false alarm per 100 device-hours', () => {
    // 40 devices, 4 days at the demo's 5 min interval, the first day without anomalies.
    const run = runFleet({
      ...DEMO_DEFAULTS,
      devices: 40,
      historyMs: 4 * 86_400_000,
      warmupMs: 86_400_000,
      seed: 7,
      startTs: Date.UTC(2026, 0, 5, 7, 13),
    });
    const score = scoreRun(run);
    const kinds = Object.entries(score.byKind).map(([kind, k]) => ({ kind, injected: k.injected, recall: k.recall }));
    // Enough anomalies of every kind for the recall to mean something.
    expect(score.overall.injected).toBeGreaterThanOrEqual(80);
    for (const k of kinds) expect(k.injected, k.kind).toBeGreaterThanOrEqual(8);
    expect(score.overall.recall).toBeGreaterThanOrEqual(TARGETS.overallRecall);
    for (const k of kinds) expect(k.recall ?? 0, k.kind).toBeGreaterThanOrEqual(TARGETS.kindRecall);
    expect(score.overall.falseAlarmsPer100DeviceHours).toBeLessThanOrEqual(TARGETS.falseAlarmsPer100DeviceHours);
  }, 300_000); // A hang guard on a loaded machine, not a speed check.
});
