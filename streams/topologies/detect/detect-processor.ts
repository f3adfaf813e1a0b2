import { type AnomalyKind, type HeartbeatConfig, heartbeatInterval } from '../../detectors/index.js';
import type { Processor, ProcessorContext } from '../../runtime/processor/processor.js';
import type { StreamRecord } from '../../runtime/record.js';
import type { KeyValueStore } from '../../runtime/state/key-value-store.js';
import type { ReadingValues } from '../shared/reading-values.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import { type AnomalyRecord, anomalyRecord } from './anomaly-record.js';
import { type DeviceState, newDeviceState } from './device-state.js';
import { type AnyDetector, runFieldDetectors } from './field-detectors.js';
import { checkSilence, observeReading, silenceBefore } from './silence.js';

/** What reaches the detect step: a parsed reading of a route, or a device status. */
export type DetectInput =
  | { kind: 'reading'; type: string; reading: ReadingValues }
  | { kind: 'status'; status: 'ONLINE' | 'OFFLINE'; ts: number; site: string };

/** One reading type as the detect step sees it: its route, store and per-field detectors. */
export interface DetectRoute {
  route: TopologyRoute;
  store: string;
  detectors: ReadonlyMap<string, readonly AnyDetector[]>;
}

export interface DetectStepSpec {
  routes: readonly DetectRoute[];
  /** Missing-heartbeat settings; undefined = off. */
  heartbeat: HeartbeatConfig | undefined;
  checkIntervalMs: number;
  /** Called with each anomaly and the (injected) wall clock at emission. */
  onAnomaly?(anomaly: AnomalyRecord, wallClockMs: number): void;
}

/**
 * The detect step: per device (key) and reading type, one state in the type's store (restored from
 * its changelog after a restart or rebalance). Each reading runs every field's detectors; each
 * flagged anomaly is emitted (one per field and kind for a record: the highest score wins when two
 * detectors flag the same kind). A wall-clock punctuator reports a device silent for more than
 * tolerance x its usual interval once per silence, on stream time and on the wall clock (MISSING,
 * detector `heartbeat`; see `checkSilence`), and a reading that ends a silence nobody reported
 * reports it then (`silenceBefore`); after a silence the field detectors warm up again. An OFFLINE
 * device status reports it at once (MISSING, detector `device-status`) unless already reported.
 */
export class DetectProcessor implements Processor<string, DetectInput, string, AnomalyRecord> {
  private ctx!: ProcessorContext<string, AnomalyRecord>;
  private readonly stores = new Map<string, KeyValueStore<string, DeviceState>>();
  private readonly byType = new Map<string, DetectRoute>();
  private openedAt = 0;
  /** Latest reading time per type, this task: the stream time of that type's own input topic. */
  private readonly readingTime = new Map<string, number>();
  /** The task's stream time after the latest reading (or at open): what the idle rule adds is beyond it. */
  private streamTimeAtReading = Number.NEGATIVE_INFINITY;

  constructor(private readonly spec: DetectStepSpec) {
    for (const r of spec.routes) this.byType.set(r.route.type, r);
  }

  init(context: ProcessorContext<string, AnomalyRecord>): void {
    this.ctx = context;
    for (const r of this.spec.routes)
      this.stores.set(r.route.type, context.getStateStore<KeyValueStore<string, DeviceState>>(r.store));
    // A restarted task has been away: silences are measured from now, not from before the restart.
    this.openedAt = context.currentSystemTimeMs();
    this.streamTimeAtReading = context.currentStreamTimeMs();
    if (this.spec.heartbeat)
      context.schedule(this.spec.checkIntervalMs, 'WALL_CLOCK_TIME', (now) => this.checkSilences(now));
  }

  process(record: StreamRecord<string, DetectInput>): void {
    const input = record.value;
    if (input.kind === 'reading') this.onReading(record.key, input.type, input.reading);
    else if (input.status === 'OFFLINE') this.onOffline(record.key, input.ts, input.site);
  }

  private onReading(deviceId: string, type: string, reading: ReadingValues): void {
    const r = this.byType.get(type);
    const store = this.stores.get(type);
    if (r === undefined || store === undefined) return;
    const state = store.get(deviceId) ?? newDeviceState();
    if (reading.site) state.site = reading.site;
    const heartbeat = this.spec.heartbeat;
    const unreported = heartbeat ? silenceBefore(state, reading.ts, heartbeat) : undefined;
    if (unreported) this.emit(this.missing(deviceId, type, state.site, unreported.dueTs, 'heartbeat', state));
    const wasMissing = state.reported === 'MISSING';
    observeReading(state, reading.ts, this.ctx.currentSystemTimeMs());
    // Back from a silence: the field detectors start over (warm-up again). The signal after an
    // outage is not comparable with the one before; alarms on the first readings back would be
    // about the gap, not the device.
    if (unreported || (wasMissing && state.reported === 'OK')) state.fields = {};
    this.readingTime.set(type, Math.max(this.readingTime.get(type) ?? Number.NEGATIVE_INFINITY, reading.ts));
    this.streamTimeAtReading = this.ctx.currentStreamTimeMs();
    const fields = r.route.fields;
    for (let i = 0; i < fields.length; i++) {
      const value = reading.values[i];
      const field = fields[i] as string;
      const detectors = r.detectors.get(field);
      if (value === null || value === undefined || detectors === undefined) continue;
      let states = state.fields[field];
      if (states === undefined) {
        states = {};
        state.fields[field] = states;
      }
      const flagged = new Map<AnomalyKind, AnomalyRecord>();
      for (const result of runFieldDetectors(detectors, states, reading.ts, value)) {
        if (!result.anomaly) continue;
        const a = anomalyRecord(
          { deviceId, type, site: state.site, field, ts: reading.ts, value },
          result.anomaly,
          result.score,
        );
        const prev = flagged.get(a.kind);
        if (prev === undefined || a.score > prev.score) flagged.set(a.kind, a);
      }
      for (const a of flagged.values()) this.emit(a);
    }
    store.put(deviceId, state, state.lastTs);
  }

  private onOffline(deviceId: string, ts: number, site: string): void {
    let known = false;
    for (const [type, store] of this.stores) {
      const state = store.get(deviceId);
      if (state === undefined) continue;
      known = true;
      if (state.reported === 'MISSING') continue;
      state.reported = 'MISSING';
      state.offlineTs = ts;
      store.put(deviceId, state, state.lastTs);
      this.emit(this.missing(deviceId, type, site || state.site, ts, 'device-status', state));
    }
    if (!known) this.emit(this.missing(deviceId, '', site, ts, 'device-status', undefined));
  }

  private checkSilences(now: number): void {
    const heartbeat = this.spec.heartbeat;
    if (!heartbeat) return;
    const taskTime = this.ctx.currentStreamTimeMs();
    // What the idle rule (or a status record) moved stream time on since the latest reading.
    const idle = Number.isFinite(this.streamTimeAtReading) ? Math.max(0, taskTime - this.streamTimeAtReading) : 0;
    for (const [type, store] of this.stores) {
      const streamTime = (this.readingTime.get(type) ?? this.streamTimeAtReading) + idle;
      const due: [string, DeviceState, number][] = [];
      for (const [deviceId, state] of store.all()) {
        const silence = checkSilence(state, now, streamTime, this.openedAt, heartbeat);
        if (silence) due.push([deviceId, state, silence.dueTs]);
      }
      for (const [deviceId, state, dueTs] of due) {
        state.reported = 'MISSING';
        store.put(deviceId, state, state.lastTs);
        this.emit(this.missing(deviceId, type, state.site, dueTs, 'heartbeat', state));
      }
    }
  }

  private missing(
    deviceId: string,
    type: string,
    site: string,
    ts: number,
    detector: string,
    state: DeviceState | undefined,
  ): AnomalyRecord {
    const interval = state && this.spec.heartbeat ? silenceBand(state, this.spec.heartbeat) : undefined;
    return anomalyRecord(
      { deviceId, type, site, field: '', ts, value: null },
      {
        kind: 'MISSING',
        expected: interval?.expected ?? Number.NaN,
        lower: 0,
        upper: interval?.upper ?? Number.NaN,
        detector,
      },
      1,
    );
  }

  private emit(a: AnomalyRecord): void {
    this.spec.onAnomaly?.(a, this.ctx.currentSystemTimeMs());
    this.ctx.forward({ key: a.deviceId, value: a, timestamp: Math.max(0, a.ts), headers: {} });
  }
}

/** MISSING's band: expected = the usual interval (ms), upper = tolerance x interval. */
function silenceBand(state: DeviceState, c: HeartbeatConfig): { expected: number; upper: number } | undefined {
  const interval = heartbeatInterval(state.heartbeat, c);
  return interval !== undefined && interval > 0 ? { expected: interval, upper: c.tolerance * interval } : undefined;
}
