import type { DetectorsSection } from '../../../lib/config/index.js';
import { combinedConfig } from '../../detectors/combined-from-config.js';
import { compositeDetector, type Detector, type DetectorResult, fieldDetectors } from '../../detectors/index.js';
import type { TopologyRoute } from '../shared/topology-route.js';

/** A detector of one field whose state is kept under `name` in the device's state. */
export type AnyDetector = Detector<unknown>;

/**
 * The detectors of one field, as the config asks (lib/config/sections/detectors.ts): spike/dip,
 * level shift, stuck and out of range from the detectors' own `fieldDetectors` (alert policy
 * included; out-of-range bounds from config, else the schema doc range), plus the combined detector
 * when `detectors.combined.enabled` (the default; for this type/field after overrides) with its own
 * defaults, the configuration `iotp bench nab` scores, unless the section sets memory, threshold or warmup.
 *
 * @example
 *   const ds = detectorsForField(config.detectors, route, 'temperature');
 *   ds.map((d) => d.name); // ['out-of-range', 'combined'] with the defaults
 */
export function detectorsForField(section: DetectorsSection, route: TopologyRoute, field: string): AnyDetector[] {
  const out = fieldDetectors(section, route.type, field, route.ranges[field]) as AnyDetector[];
  const combined = combinedConfig(section, route.type, field);
  if (combined) out.push(compositeDetector(combined) as AnyDetector);
  return out;
}

/** A detector's verdict on one value, with the detector's name. */
export interface NamedResult extends DetectorResult {
  detector: string;
}

/**
 * Runs every detector of a field on one value, keeping each one's state under its name in
 * `states` (created on first use, so enabling a detector later just starts it learning).
 */
export function runFieldDetectors(
  detectors: readonly AnyDetector[],
  states: Record<string, unknown>,
  ts: number,
  value: number,
): NamedResult[] {
  const out: NamedResult[] = [];
  for (const d of detectors) {
    let s = states[d.name];
    if (s === undefined) {
      s = d.init();
      states[d.name] = s;
    }
    out.push({ ...d.update(s, ts, value), detector: d.name });
  }
  return out;
}
