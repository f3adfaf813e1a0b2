import { IotpError } from '../../../lib/errors.js';
import { type HeartbeatState, heartbeatState } from '../../detectors/index.js';
import { decodeDetectorState, encodeDetectorState } from '../../detectors/state-codec.js';
import type { SyncSerde } from '../../runtime/serde.js';
import type { Incidents } from './incidents.js';

/**
 * Everything the detect topology keeps per device and reading type: the latest site and event
 * time, the heartbeat (usual interval learned from event-time gaps; silence measured on the wall
 * clock from `arrival`, when the latest reading was processed), whether the current silence was
 * reported, and each field's detector states by detector name.
 *
 * @example
 *   const s = newDeviceState();
 *   s.fields.temperature = { 'spike-dip': { history: { ... } } };
 */
export interface DeviceState {
  site: string;
  lastTs: number;
  arrival: number;
  heartbeat: HeartbeatState;
  /** MISSING once the current silence was reported (by the heartbeat or an OFFLINE status). */
  reported: 'OK' | 'MISSING';
  /** Event time of an OFFLINE status: only a reading taken after it ends that silence. */
  offlineTs: number | null;
  fields: Record<string, Record<string, unknown>>;
  /** Open incidents by field ('' for a silence): see incidents.ts. */
  incidents: Incidents;
  /**
   * The device's registry settings (limits, detector overrides) the detectors run with, as a
   * `detectSettingsKey`; absent: none, the pipeline's detectors. Changed only by a settings event,
   * so a replayed journal runs the detectors it ran the first time.
   */
  settings?: string;
}

export function newDeviceState(): DeviceState {
  return {
    site: '',
    lastTs: Number.NEGATIVE_INFINITY,
    arrival: Number.NEGATIVE_INFINITY,
    heartbeat: heartbeatState(),
    reported: 'OK',
    offlineTs: null,
    fields: {},
    incidents: {},
  };
}

/** JSON with detector vector memories packed as float32 (the detectors' own state codec). */
export const deviceStateSerde: SyncSerde<DeviceState> = {
  serialize: (s) => Buffer.from(encodeDetectorState({ ...s, lastTs: finite(s.lastTs), arrival: finite(s.arrival) })),
  deserialize: (bytes, topic) => {
    if (bytes === null) throw new IotpError('DETECT_STATE_INVALID', `device state: null bytes on ${topic}`);
    const s = decodeDetectorState<DeviceState>(bytes);
    if (typeof s !== 'object' || s === null || typeof s.fields !== 'object' || typeof s.heartbeat !== 'object')
      throw new IotpError('DETECT_STATE_INVALID', `device state on ${topic} is not a device state`);
    s.lastTs = s.lastTs ?? Number.NEGATIVE_INFINITY;
    s.arrival = s.arrival ?? Number.NEGATIVE_INFINITY;
    s.offlineTs = s.offlineTs ?? null;
    s.incidents = s.incidents ?? {};
    return s;
  },
};

/** JSON has no -Infinity: it becomes null and is read back as -Infinity. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
