import type { DetectorsSection } from '../../../lib/config/index.js';
import {
  type DeviceDetectSettings,
  deviceDetectorsSection,
  parseDetectSettingsKey,
} from '../../../lib/devices/registry/detect-settings.js';
import { type HeartbeatConfig, heartbeatConfig } from '../../detectors/index.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import { type AnyDetector, detectorsForField } from './field-detectors.js';

/**
 * Where the detect step looks a device's limits and detector overrides up: the device registry's
 * live view in the worker (`devices.enabled`), a map in tests. A side input, like a GlobalKTable
 * lookup in Kafka Streams: read when a reading is processed, eventually consistent with the
 * registry (a reading processed before an update arrived uses the previous settings).
 *
 * @example
 *   const settings: DeviceSettings = { get: (id) => view.get(id) };
 */
export interface DeviceSettings {
  get(deviceId: string): DeviceDetectSettings | undefined;
}

/** What the detect topology needs for per-device settings: the lookup and the section they apply on. */
export interface DeviceSettingsSpec {
  settings: DeviceSettings;
  /** The pipeline's `detectors:` section (the device's settings are applied on top of it). */
  section: DetectorsSection;
  /** Called with what of a device's settings was left out, when the device's settings change. */
  onProblems?(deviceId: string, problems: readonly string[]): void;
}

/** One device's detectors for one reading type, and its heartbeat (undefined: no missing-heartbeat check). */
export interface ResolvedDevice {
  detectors: ReadonlyMap<string, readonly AnyDetector[]>;
  heartbeat: HeartbeatConfig | undefined;
  problems: readonly string[];
}

/** Distinct settings keys resolved at most (then the cache starts over): few devices have their own. */
const MAX_RESOLVED = 1024;

/**
 * Resolves a settings key (see `detectSettingsKey`) for a reading type into detectors, once per
 * (key, type). Deterministic: the same key gives detectors that behave the same, so a journal
 * replayed after a restore folds its events exactly as they were folded the first time. Settings
 * that cannot make a detector leave the device with the pipeline's detectors, named in `problems`.
 *
 * @example
 *   const resolve = deviceResolver(config.detectors);
 *   resolve(state.settings, route).detectors.get('temperature');
 */
export function deviceResolver(section: DetectorsSection): (key: string, route: TopologyRoute) => ResolvedDevice {
  const cache = new Map<string, ResolvedDevice>();
  return (key, route) => {
    const id = `${route.type}\u0000${key}`;
    let resolved = cache.get(id);
    if (resolved === undefined) {
      resolved = resolve(section, key, route);
      if (cache.size >= MAX_RESOLVED) cache.clear();
      cache.set(id, resolved);
    }
    return resolved;
  };
}

function resolve(base: DetectorsSection, key: string, route: TopologyRoute): ResolvedDevice {
  const settings = parseDetectSettingsKey(key);
  const { section, problems } = deviceDetectorsSection(base, settings, route.type, route.fields);
  try {
    return {
      detectors: new Map(route.fields.map((f) => [f, detectorsForField(section, route, f)] as const)),
      heartbeat: section.missing.enabled ? heartbeatConfig(section) : undefined,
      problems,
    };
  } catch (error) {
    return {
      detectors: new Map(route.fields.map((f) => [f, detectorsForField(base, route, f)] as const)),
      heartbeat: base.missing.enabled ? heartbeatConfig(base) : undefined,
      problems: [...problems, `the device's settings make no detector, the pipeline's apply: ${String(error)}`],
    };
  }
}
