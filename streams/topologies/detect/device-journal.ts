import type { HeartbeatConfig } from '../../detectors/index.js';
import { heartbeatInterval } from '../../detectors/index.js';
import type { Journal } from '../../runtime/state/journaled-store.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import { type AnomalyRecord, anomalyRecord } from './anomaly-record.js';
import { type DeviceEvent, deviceEventSerde } from './device-event.js';
import type { ResolvedDevice } from './device-settings.js';
import { type DeviceState, deviceStateSerde, newDeviceState } from './device-state.js';
import { type AnyDetector, runFieldDetectors } from './field-detectors.js';
import { closeNow, closeQuiet, foldAlarm } from './incidents.js';
import { applySettings } from './settings-event.js';
import { observeReading, silenceBefore } from './silence.js';

/** One reading type as the detect step sees it: its route and per-field detectors. */
export interface DeviceJournalSpec {
  route: TopologyRoute;
  detectors: ReadonlyMap<string, readonly AnyDetector[]>;
  /** Missing-heartbeat settings; undefined = off. */
  heartbeat: HeartbeatConfig | undefined;
  /** A device's state is logged whole every this many events (its journal in between). */
  snapshotEvery: number;
  /** Alarms of a field closer than this (event time) are one incident. */
  cooldownMs: number;
  /** A device's detectors and heartbeat from its settings key (device-settings.ts); omit: no per-device settings. */
  device?(key: string): ResolvedDevice;
}

/**
 * The detect state of one device and reading type as a journal: {@link applyDeviceEvent} is the
 * only way the state changes, so the store logs the small events (a reading is ~50 bytes) and a
 * snapshot every `snapshotEvery` events, instead of the whole state at every commit.
 */
export function deviceJournal(spec: DeviceJournalSpec): Journal<string, DeviceState, DeviceEvent, AnomalyRecord[]> {
  return {
    init: newDeviceState,
    apply: (state, event, deviceId) => applyDeviceEvent(state, event, deviceId, spec),
    stateSerde: deviceStateSerde,
    eventSerde: deviceEventSerde,
    snapshotEvery: spec.snapshotEvery,
  };
}

/**
 * Folds one event into a device's state and returns the incident records it emits. Pure: the
 * same state and event always give the same new state and records (a replay after a restore
 * discards them). Alarms become incidents (incidents.ts): a field's alarms less than the cooldown
 * apart are one incident, written when it opens and when it closes.
 * - reading: a silence nobody reported before it is reported now, as a closed MISSING incident
 *   (`heartbeat`); a reported silence ends (its incident closes); after a silence the field
 *   detectors start over; then every field's detectors run: the field's strongest alarm joins or
 *   opens its incident, a field without alarm closes an incident quiet for the cooldown;
 * - offline: a MISSING incident (`device-status`) unless the silence was already reported;
 * - online: the device says it is back: a silence an OFFLINE taken before it opened ends (its
 *   incident closes), so readings older than that OFFLINE (a history, a buffered upload) count again;
 * - silence: the heartbeat check's verdict, a MISSING incident (`heartbeat`);
 * - settings: the device's registry settings change (settings-event.ts): later events run the
 *   device's own detectors and heartbeat; a detector whose settings changed starts learning again.
 * A device with settings runs its own detectors and heartbeat (`spec.device`), others the pipeline's.
 */
export function applyDeviceEvent(
  state: DeviceState,
  event: DeviceEvent,
  deviceId: string,
  spec: DeviceJournalSpec,
): AnomalyRecord[] {
  const type = spec.route.type;
  const cooldown = spec.cooldownMs;
  if (event.kind === 'settings') {
    applySettings(state, event.key, spec.route.fields);
    return [];
  }
  const device = state.settings !== undefined && spec.device ? spec.device(state.settings) : undefined;
  const heartbeat = device ? device.heartbeat : spec.heartbeat;
  if (event.kind === 'offline') {
    if (state.reported === 'MISSING') return [];
    state.reported = 'MISSING';
    state.offlineTs = event.ts;
    const missing = missingRecord(deviceId, type, state.site, event.ts, 'device-status', state, heartbeat);
    return foldAlarm(state.incidents, missing, cooldown);
  }
  if (event.kind === 'online') {
    if (state.offlineTs === null || event.ts < state.offlineTs) return [];
    state.offlineTs = null;
    state.reported = 'OK';
    return closeNow(state.incidents, '', event.ts);
  }
  if (event.kind === 'silence') {
    state.reported = 'MISSING';
    const missing = missingRecord(deviceId, type, state.site, event.dueTs, 'heartbeat', state, heartbeat);
    return foldAlarm(state.incidents, missing, cooldown);
  }
  const out: AnomalyRecord[] = [];
  if (event.site) state.site = event.site;
  const unreported = heartbeat ? silenceBefore(state, event.ts, heartbeat) : undefined;
  if (unreported) {
    // Seen after the fact: the silence is over as it is reported.
    const missing = missingRecord(deviceId, type, state.site, unreported.dueTs, 'heartbeat', state, heartbeat);
    out.push(...foldAlarm(state.incidents, missing, cooldown), ...closeNow(state.incidents, '', event.ts));
  }
  const wasMissing = state.reported === 'MISSING';
  observeReading(state, event.ts, event.arrival);
  const back = unreported !== undefined || (wasMissing && state.reported === 'OK');
  if (wasMissing && state.reported === 'OK') out.push(...closeNow(state.incidents, '', event.ts));
  // Back from a silence: the field detectors start over (warm-up again), and their incidents end.
  // The signal after an outage is not comparable with the one before; alarms on the first
  // readings back would be about the gap, not the device.
  if (back) {
    state.fields = {};
    for (const field of Object.keys(state.incidents))
      if (field !== '') out.push(...closeNow(state.incidents, field, state.incidents[field]?.last ?? event.ts));
  }
  const fields = spec.route.fields;
  const quiet: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const value = event.values[i];
    const field = fields[i] as string;
    const detectors = (device?.detectors ?? spec.detectors).get(field);
    if (value === null || value === undefined || detectors === undefined) continue;
    let states = state.fields[field];
    if (states === undefined) {
      states = {};
      state.fields[field] = states;
    }
    let strongest: AnomalyRecord | undefined;
    for (const result of runFieldDetectors(detectors, states, event.ts, value)) {
      if (!result.anomaly) continue;
      const a = anomalyRecord(
        { deviceId, type, site: state.site, field, ts: event.ts, value },
        result.anomaly,
        result.score,
      );
      if (strongest === undefined || stronger(a, strongest)) strongest = a;
    }
    if (strongest) out.push(...foldAlarm(state.incidents, strongest, cooldown));
    else quiet.push(field);
  }
  if (quiet.length > 0) out.push(...closeQuiet(state.incidents, quiet, event.ts, cooldown));
  return out;
}

/** Ties of score go to the more specific kind: a hard bound over a stuck run over a shift over a spike. */
const KIND_RANK: Readonly<Record<string, number>> = { OUT_OF_RANGE: 3, STUCK: 2, LEVEL_SHIFT: 1 };

function stronger(a: AnomalyRecord, b: AnomalyRecord): boolean {
  return a.score > b.score || (a.score === b.score && (KIND_RANK[a.kind] ?? 0) > (KIND_RANK[b.kind] ?? 0));
}

/** A MISSING anomaly; its band: expected = the usual interval (ms), upper = tolerance x interval. */
export function missingRecord(
  deviceId: string,
  type: string,
  site: string,
  ts: number,
  detector: string,
  state: DeviceState | undefined,
  heartbeat: HeartbeatConfig | undefined,
): AnomalyRecord {
  const interval = state && heartbeat ? heartbeatInterval(state.heartbeat, heartbeat) : undefined;
  const known = interval !== undefined && interval > 0;
  return anomalyRecord(
    { deviceId, type, site, field: '', ts, value: null },
    {
      kind: 'MISSING',
      expected: known ? interval : Number.NaN,
      lower: 0,
      upper: known && heartbeat ? heartbeat.tolerance * interval : Number.NaN,
      detector,
    },
    1,
  );
}
