import type { DetectorsSection } from '../../lib/config/sections/detectors.js';
import { type CompositeConfig, parseCompositeConfig } from './composite-config.js';

/**
 * The combined detector's configuration as the pipeline's `detectors:` section asks, for one reading
 * type and field (overrides applied), or undefined when it is off there. Its own defaults (the
 * configuration `iotp bench nab` scores) unless the section sets memory, threshold or warmup: the
 * detect topology and the NAB benchmark both build it here, so they run the same detector.
 *
 * @example
 *   const c = combinedConfig(config.detectors, 'environment', 'temperature');
 *   if (c) detectors.push(compositeDetector(c));
 */
export function combinedConfig(section: DetectorsSection, type?: string, field?: string): CompositeConfig | undefined {
  const combined: Record<string, number | boolean | string | undefined> = { ...section.combined };
  for (const o of section.overrides)
    if (o.detector === 'combined' && o.type === type && (o.field === undefined || o.field === field))
      Object.assign(combined, o.settings);
  if (combined.enabled !== true) return undefined;
  const c = parseCompositeConfig({}, 'detectors.combined');
  if (typeof combined.memory === 'number') {
    const memory = combined.memory;
    c.shapes = c.shapes.map((s) => ({ ...s, memory }));
    if (c.regime) c.regime = { ...c.regime, memory };
  }
  if (typeof combined.threshold === 'number') c.alert = { ...c.alert, threshold: combined.threshold };
  if (typeof combined.warmup === 'number') c.alert = { ...c.alert, warmupRecords: combined.warmup };
  return parseCompositeConfig(c, 'detectors.combined');
}
