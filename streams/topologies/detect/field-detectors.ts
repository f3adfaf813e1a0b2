import type { DetectorsSection } from '../../../lib/config/index.js';
import {
  compositeDetector,
  type Detector,
  type DetectorResult,
  fieldDetectors,
  parseCompositeConfig,
} from '../../detectors/index.js';
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
  const combined: Record<string, number | boolean | string | undefined> = { ...section.combined };
  for (const o of section.overrides)
    if (o.detector === 'combined' && o.type === route.type && (o.field === undefined || o.field === field))
      Object.assign(combined, o.settings);
  if (combined.enabled === true) {
    // The detector's own defaults (the configuration NAB scores) unless the section sets a value.
    const c = parseCompositeConfig({}, 'detectors.combined');
    if (typeof combined.memory === 'number') {
      const memory = combined.memory;
      c.shapes = c.shapes.map((s) => ({ ...s, memory }));
      if (c.regime) c.regime = { ...c.regime, memory };
    }
    if (typeof combined.threshold === 'number') c.alert = { ...c.alert, threshold: combined.threshold };
    if (typeof combined.warmup === 'number') c.alert = { ...c.alert, warmupRecords: combined.warmup };
    out.push(compositeDetector(parseCompositeConfig(c, 'detectors.combined')) as AnyDetector);
  }
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
