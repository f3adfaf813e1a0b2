import { detectSettingsKey } from '../../../lib/devices/registry/detect-settings.js';
import type { HeartbeatConfig } from '../../detectors/index.js';
import type { Processor, ProcessorContext } from '../../runtime/processor/processor.js';
import type { StreamRecord } from '../../runtime/record.js';
import type { JournaledStore } from '../../runtime/state/journaled-store.js';
import type { ReadingValues } from '../shared/reading-values.js';
import type { AnomalyRecord } from './anomaly-record.js';
import type { DeviceEvent } from './device-event.js';
import { missingRecord } from './device-journal.js';
import type { DeviceSettings, ResolvedDevice } from './device-settings.js';
import type { DeviceState } from './device-state.js';
import { checkSilence } from './silence.js';

/** What reaches the detect step: a parsed reading of a route, or a device status. */
export type DetectInput =
  | { kind: 'reading'; type: string; reading: ReadingValues }
  | { kind: 'status'; status: 'ONLINE' | 'OFFLINE'; ts: number; site: string };

/** A reading type's journaled store of device states (see device-journal.ts). */
export type DeviceStore = JournaledStore<string, DeviceState, DeviceEvent, AnomalyRecord[]>;

export interface DetectStepSpec {
  /** Store name per reading type. */
  stores: ReadonlyMap<string, string>;
  /** Missing-heartbeat settings; undefined = off. */
  heartbeat: HeartbeatConfig | undefined;
  checkIntervalMs: number;
  /** Called with each anomaly and the (injected) wall clock at emission. */
  onAnomaly?(anomaly: AnomalyRecord, wallClockMs: number): void;
  /**
   * Per-device settings (the device registry, a side input): looked up at each reading; a change
   * is journaled as a settings event before the reading, so the state records what it ran with.
   */
  devices?: {
    settings: DeviceSettings;
    /** A settings key's detectors and heartbeat for a reading type. */
    resolve(key: string, type: string): ResolvedDevice;
    onProblems?(deviceId: string, problems: readonly string[]): void;
  };
}

/**
 * The detect step: per device (key) and reading type, one state in the type's journaled store
 * (restored from its changelog after a restart or rebalance). Each reading, OFFLINE status and
 * silence verdict is an event applied to the device's state (`applyDeviceEvent`), which returns
 * the anomalies to emit; the store logs the event, not the state. A wall-clock punctuator reports a
 * device silent for more than tolerance x its usual interval once per silence, on stream time and
 * on the wall clock (see `checkSilence`).
 */
export class DetectProcessor implements Processor<string, DetectInput, string, AnomalyRecord> {
  private ctx!: ProcessorContext<string, AnomalyRecord>;
  private readonly stores = new Map<string, DeviceStore>();
  private openedAt = 0;
  /** Latest reading time per type, this task: the stream time of that type's own input topic. */
  private readonly readingTime = new Map<string, number>();
  /** The task's stream time after the latest reading (or at open): what the idle rule adds is beyond it. */
  private streamTimeAtReading = Number.NEGATIVE_INFINITY;
  /** The settings key of each registry record seen (a record object is replaced, never changed, on update). */
  private readonly keys = new WeakMap<object, string>();

  constructor(private readonly spec: DetectStepSpec) {}

  init(context: ProcessorContext<string, AnomalyRecord>): void {
    this.ctx = context;
    for (const [type, store] of this.spec.stores) this.stores.set(type, context.getStateStore<DeviceStore>(store));
    // A restarted task has been away: silences are measured from now, not from before the restart.
    this.openedAt = context.currentSystemTimeMs();
    this.streamTimeAtReading = context.currentStreamTimeMs();
    if (this.spec.heartbeat || this.spec.devices)
      context.schedule(this.spec.checkIntervalMs, 'WALL_CLOCK_TIME', (now) => this.checkSilences(now));
  }

  process(record: StreamRecord<string, DetectInput>): void {
    const input = record.value;
    if (input.kind === 'reading') this.onReading(record.key, input.type, input.reading);
    else if (input.status === 'OFFLINE') this.onOffline(record.key, input.ts, input.site);
    else this.onOnline(record.key, input.ts);
  }

  private onReading(deviceId: string, type: string, reading: ReadingValues): void {
    const store = this.stores.get(type);
    if (store === undefined) return;
    const event: DeviceEvent = {
      kind: 'reading',
      ts: reading.ts,
      arrival: this.ctx.currentSystemTimeMs(),
      site: reading.site,
      values: reading.values,
    };
    this.readingTime.set(type, Math.max(this.readingTime.get(type) ?? Number.NEGATIVE_INFINITY, reading.ts));
    this.streamTimeAtReading = this.ctx.currentStreamTimeMs();
    this.syncSettings(deviceId, type, store, reading.ts);
    this.emitAll(store.apply(deviceId, event, reading.ts));
  }

  /** Journals a change of the device's registry settings (if any) before its reading is applied. */
  private syncSettings(deviceId: string, type: string, store: DeviceStore, ts: number): void {
    const devices = this.spec.devices;
    if (devices === undefined) return;
    const settings = devices.settings.get(deviceId);
    let key = '';
    if (settings !== undefined) {
      const known = this.keys.get(settings);
      key = known ?? detectSettingsKey(settings);
      if (known === undefined) this.keys.set(settings, key);
    }
    if ((store.get(deviceId)?.settings ?? '') === key) return;
    this.emitAll(store.apply(deviceId, { kind: 'settings', key }, ts));
    const problems = devices.resolve(key, type).problems;
    if (problems.length > 0) devices.onProblems?.(deviceId, problems);
  }

  /** The heartbeat a device's state runs with: its own settings', else the pipeline's. */
  private heartbeatOf(type: string, settings: string | undefined): HeartbeatConfig | undefined {
    const devices = this.spec.devices;
    return settings !== undefined && devices ? devices.resolve(settings, type).heartbeat : this.spec.heartbeat;
  }

  private onOffline(deviceId: string, ts: number, site: string): void {
    let known = false;
    for (const store of this.stores.values()) {
      const state = store.get(deviceId);
      if (state === undefined) continue;
      known = true;
      if (state.reported === 'MISSING') continue;
      this.emitAll(store.apply(deviceId, { kind: 'offline', ts }, state.lastTs));
    }
    if (!known) this.emit(missingRecord(deviceId, '', site, ts, 'device-status', undefined, this.spec.heartbeat));
  }

  /** ONLINE ends a silence an earlier OFFLINE opened (of every type the device has a state for). */
  private onOnline(deviceId: string, ts: number): void {
    for (const store of this.stores.values()) {
      const state = store.get(deviceId);
      if (state === undefined || state.offlineTs === null || ts < state.offlineTs) continue;
      this.emitAll(store.apply(deviceId, { kind: 'online', ts }, state.lastTs));
    }
  }

  private checkSilences(now: number): void {
    const taskTime = this.ctx.currentStreamTimeMs();
    // What the idle rule (or a status record) moved stream time on since the latest reading.
    const idle = Number.isFinite(this.streamTimeAtReading) ? Math.max(0, taskTime - this.streamTimeAtReading) : 0;
    for (const [type, store] of this.stores) {
      const streamTime = (this.readingTime.get(type) ?? this.streamTimeAtReading) + idle;
      const due: [string, number, number][] = [];
      for (const [deviceId, state] of store.all()) {
        const heartbeat = this.heartbeatOf(type, state.settings);
        if (heartbeat === undefined) continue;
        const silence = checkSilence(state, now, streamTime, this.openedAt, heartbeat);
        if (silence) due.push([deviceId, silence.dueTs, state.lastTs]);
      }
      for (const [deviceId, dueTs, lastTs] of due)
        this.emitAll(store.apply(deviceId, { kind: 'silence', dueTs }, lastTs));
    }
  }

  private emitAll(anomalies: readonly AnomalyRecord[]): void {
    for (const a of anomalies) this.emit(a);
  }

  private emit(a: AnomalyRecord): void {
    this.spec.onAnomaly?.(a, this.ctx.currentSystemTimeMs());
    this.ctx.forward({ key: a.deviceId, value: a, timestamp: Math.max(0, a.ts), headers: {} });
  }
}
