import { parseDetectSettingsKey } from '../../../lib/devices/registry/detect-settings.js';
import type { DetectorOverride } from '../../../lib/devices/registry/record.js';
import type { DeviceState } from './device-state.js';

/** The name a detector's state is kept under in a field's states, by the name overrides use. */
const STATE_NAME: Readonly<Record<string, string>> = {
  spikeDip: 'spike-dip',
  levelShift: 'level-shift',
  stuck: 'stuck',
  outOfRange: 'out-of-range',
  combined: 'combined',
};

/**
 * Folds a settings event into a device's state: the device now runs with the settings `key`
 * ('' for none). A detector whose overrides for a field changed drops its state there and starts
 * learning again (its warm-up), as one enabled later would: a state learned under other settings
 * need not fit the new ones. A limit change keeps every state (the out-of-range detector learns
 * nothing). Open incidents stay open and close as usual. Pure but for `state`.
 *
 * @example
 *   applySettings(state, detectSettingsKey(record), route.fields);
 */
export function applySettings(state: DeviceState, key: string, fields: readonly string[]): void {
  const before = parseDetectSettingsKey(state.settings ?? '').detectors;
  const after = parseDetectSettingsKey(key).detectors;
  if (key === '') delete state.settings;
  else state.settings = key;
  for (const field of fields) {
    const states = state.fields[field];
    if (states === undefined) continue;
    for (const [detector, name] of Object.entries(STATE_NAME))
      if (overridesOf(before, detector, field) !== overridesOf(after, detector, field)) delete states[name];
  }
}

/** The overrides of one detector that apply to a field, as a comparable string. */
function overridesOf(overrides: readonly DetectorOverride[], detector: string, field: string): string {
  return JSON.stringify(overrides.filter((o) => o.detector === detector && (o.field === null || o.field === field)));
}
