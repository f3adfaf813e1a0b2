import type { DetectorsSection } from '../../lib/config/sections/detectors.js';
import { type AlertPolicyState, withAlertPolicy } from './alert-policy.js';
import { type HeartbeatConfig, validateHeartbeat } from './heartbeat.js';
import { levelShift } from './level-shift.js';
import { outOfRange } from './out-of-range.js';
import { spikeDip } from './spike-dip.js';
import { DEFAULT_STUCK, stuckDetector } from './stuck.js';
import type { Detector } from './types.js';

/** Bounds a schema declares for a field (its doc `range: min..max`), if any. */
export interface FieldRange {
  min?: number;
  max?: number;
}

type DetectorName = 'spikeDip' | 'levelShift' | 'stuck' | 'outOfRange';

/**
 * The detectors of one reading type's numeric field, as the pipeline config asks: each enabled
 * detector with its settings (overrides for the type or field applied in order), wrapped in the
 * shared alert policy (warmup, cooldown, minScore). Out of range runs only when bounds exist (from
 * `outOfRange.ranges["<type>.<field>"]`, else the schema's doc range).
 *
 * @example
 *   const detectors = fieldDetectors(config.detectors, 'climate', 'temperature', { min: -40, max: 85 });
 *   const states = detectors.map((d) => d.init());
 */
export function fieldDetectors(
  section: DetectorsSection,
  type: string,
  field: string,
  schemaRange?: FieldRange,
): Detector<AlertPolicyState<unknown>>[] {
  const settings = (name: DetectorName): Record<string, number | boolean | string> => {
    const merged: Record<string, number | boolean | string> = {};
    for (const o of section.overrides) {
      if (o.detector === name && o.type === type && (o.field === undefined || o.field === field))
        Object.assign(merged, o.settings);
    }
    return merged;
  };
  const key = (name: DetectorName) => `detectors.${name}`;
  const out: Detector<unknown>[] = [];
  const sd = { ...section.spikeDip, ...settings('spikeDip') } as DetectorsSection['spikeDip'];
  if (sd.enabled) {
    out.push(
      spikeDip(
        { confidence: sd.confidence, history: sd.history, mode: sd.mode, warmup: section.defaults.warmup },
        key('spikeDip'),
      ),
    );
  }
  const ls = { ...section.levelShift, ...settings('levelShift') } as DetectorsSection['levelShift'];
  if (ls.enabled) out.push(levelShift({ confidence: ls.confidence, window: ls.window }, key('levelShift')));
  const st = { ...section.stuck, ...settings('stuck') } as DetectorsSection['stuck'];
  if (st.enabled) {
    out.push(
      stuckDetector({
        ...DEFAULT_STUCK,
        repeats: st.repeats,
        tolerance: st.epsilon,
        record: false,
        learnRecords: section.defaults.warmup,
      }),
    );
  }
  const oor = { ...section.outOfRange, ...settings('outOfRange') } as DetectorsSection['outOfRange'];
  const bounds = oor.ranges[`${type}.${field}`] ?? schemaRange;
  if (oor.enabled && bounds && (bounds.min !== undefined || bounds.max !== undefined)) {
    out.push(outOfRange(bounds, `${key('outOfRange')}.ranges.${type}.${field}`));
  }
  const policy = {
    warmup: section.defaults.warmup,
    cooldownMs: section.defaults.cooldown,
    minScore: section.defaults.minScore,
  };
  return out.map((d) => withAlertPolicy(d, d.name === 'out-of-range' ? { ...policy, warmup: 0 } : policy));
}

/** The missing-heartbeat settings of the pipeline config (learned interval, config as fallback). */
export function heartbeatConfig(section: DetectorsSection): HeartbeatConfig {
  return validateHeartbeat({
    tolerance: section.missing.tolerance,
    expectedInterval: section.missing.expectedInterval,
    minSamples: 5,
  });
}
