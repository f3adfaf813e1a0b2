import type { AnomalyKind, HeartbeatConfig } from '../../detectors/index.js';
import { heartbeatInterval } from '../../detectors/index.js';
import type { Journal } from '../../runtime/state/journaled-store.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import { type AnomalyRecord, anomalyRecord } from './anomaly-record.js';
import { type DeviceEvent, deviceEventSerde } from './device-event.js';
import { type DeviceState, deviceStateSerde, newDeviceState } from './device-state.js';
import { type AnyDetector, runFieldDetectors } from './field-detectors.js';
import { observeReading, silenceBefore } from './silence.js';

/** One reading type as the detect step sees it: its route and per-field detectors. */
export interface DeviceJournalSpec {
  route: TopologyRoute;
  detectors: ReadonlyMap<string, readonly AnyDetector[]>;
  /** Missing-heartbeat settings; undefined = off. */
  heartbeat: HeartbeatConfig | undefined;
  /** A device's state is logged whole every this many events (its journal in between). */
  snapshotEvery: number;
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
 * Folds one event into a device's state and returns the anomalies it raises. Pure: the same state
 * and event always give the same new state and anomalies (a replay after a restore discards them).
 * - reading: a silence nobody reported before it is reported now (MISSING, `heartbeat`); after a
 *   silence the field detectors start over; then every field's detectors run, one anomaly per field
 *   and kind (the highest score wins);
 * - offline: MISSING (`device-status`) unless the silence was already reported;
 * - silence: the heartbeat check's verdict, MISSING (`heartbeat`).
 */
export function applyDeviceEvent(
  state: DeviceState,
  event: DeviceEvent,
  deviceId: string,
  spec: DeviceJournalSpec,
): AnomalyRecord[] {
  const type = spec.route.type;
  if (event.kind === 'offline') {
    if (state.reported === 'MISSING') return [];
    state.reported = 'MISSING';
    state.offlineTs = event.ts;
    return [missingRecord(deviceId, type, state.site, event.ts, 'device-status', state, spec.heartbeat)];
  }
  if (event.kind === 'silence') {
    state.reported = 'MISSING';
    return [missingRecord(deviceId, type, state.site, event.dueTs, 'heartbeat', state, spec.heartbeat)];
  }
  const out: AnomalyRecord[] = [];
  if (event.site) state.site = event.site;
  const heartbeat = spec.heartbeat;
  const unreported = heartbeat ? silenceBefore(state, event.ts, heartbeat) : undefined;
  if (unreported) out.push(missingRecord(deviceId, type, state.site, unreported.dueTs, 'heartbeat', state, heartbeat));
  const wasMissing = state.reported === 'MISSING';
  observeReading(state, event.ts, event.arrival);
  // Back from a silence: the field detectors start over (warm-up again). The signal after an
  // outage is not comparable with the one before; alarms on the first readings back would be
  // about the gap, not the device.
  if (unreported || (wasMissing && state.reported === 'OK')) state.fields = {};
  const fields = spec.route.fields;
  for (let i = 0; i < fields.length; i++) {
    const value = event.values[i];
    const field = fields[i] as string;
    const detectors = spec.detectors.get(field);
    if (value === null || value === undefined || detectors === undefined) continue;
    let states = state.fields[field];
    if (states === undefined) {
      states = {};
      state.fields[field] = states;
    }
    const flagged = new Map<AnomalyKind, AnomalyRecord>();
    for (const result of runFieldDetectors(detectors, states, event.ts, value)) {
      if (!result.anomaly) continue;
      const a = anomalyRecord(
        { deviceId, type, site: state.site, field, ts: event.ts, value },
        result.anomaly,
        result.score,
      );
      const prev = flagged.get(a.kind);
      if (prev === undefined || a.score > prev.score) flagged.set(a.kind, a);
    }
    out.push(...flagged.values());
  }
  return out;
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
