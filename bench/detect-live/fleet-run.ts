/**
 * One demo-like run offline: the simulator's fleet, models and anomaly injector (the demo's
 * settings) build every history reading in order, and the detect step's own logic
 * (`applyDeviceEvent`, the detectors `detectRoutes` builds from the pipeline config, the heartbeat,
 * incidents) folds them into per-device states, as the detect topology does; no servers.
 */
import { type LoadedPipelineConfig, loadPipelineConfig } from '../../lib/config/index.js';
import { createAnomalyInjector } from '../../sim/anomaly-injector.js';
import { ANOMALY_KINDS, type AnomalyKind } from '../../sim/anomaly-kinds.js';
import { createFleet } from '../../sim/fleet.js';
import type { TruthRecord } from '../../sim/ground-truth.js';
import { createHistorySchedule } from '../../sim/history-schedule.js';
import { createMessageBuilder } from '../../sim/message-builder.js';
import { type CompositeState, compositeChannel } from '../../streams/detectors/composite.js';
import { heartbeatConfig } from '../../streams/detectors/index.js';
import type { AnomalyRecord } from '../../streams/topologies/detect/anomaly-record.js';
import { detectRoutes } from '../../streams/topologies/detect/detect-worker.js';
import { applyDeviceEvent, type DeviceJournalSpec } from '../../streams/topologies/detect/device-journal.js';
import { type DeviceState, newDeviceState } from '../../streams/topologies/detect/device-state.js';
import type { AnyDetector } from '../../streams/topologies/detect/field-detectors.js';
import { demoScore, scoreDetectionOffline } from './score.js';

export { demoScore };

/** The demo's defaults (cli/demo.ts): 100 devices, 5 days at 5 min, 2 days without anomalies, 0.04/device-hour. */
export interface FleetRunOptions {
  seed: number;
  devices: number;
  historyMs: number;
  intervalMs: number;
  warmupMs: number;
  anomalyRate: number;
  /** Event time of the history's first round (the demo's is "now - history"). */
  startTs: number;
  /**
   * Kinds injected (default: every kind, as the demo: MALFORMED readings are dead-lettered by the
   * MQTT source, so no detector sees them, and their truth is not scored).
   */
  kinds?: readonly AnomalyKind[];
  /** The pipeline config whose detectors section is run (default config/pipeline.yaml). */
  config?: LoadedPipelineConfig;
  /**
   * What-if: the detect step keeps the field detectors' states when a device is back from a
   * silence (applyDeviceEvent starts them over: `state.fields = {}`; here that assignment is
   * ignored). Everything else, incidents included, is the detect step's own.
   */
  keepDetectorsAfterSilence?: boolean;
}

export const DEMO_DEFAULTS: Omit<FleetRunOptions, 'seed' | 'startTs'> = {
  devices: 100,
  historyMs: 5 * 86_400_000,
  intervalMs: 300_000,
  warmupMs: 2 * 86_400_000,
  anomalyRate: 0.04,
};

/** The combined detector's score and channel of every record of one series (device, field). */
export interface SeriesTrace {
  deviceId: string;
  type: string;
  field: string;
  ts: number[];
  values: number[];
  scores: number[];
  channels: string[];
  /** Records the combined detector's state had seen, this one included (it starts over after a silence). */
  seen: number[];
}

export interface FleetRun {
  options: FleetRunOptions;
  truth: TruthRecord[];
  /** Every incident record the detect step emitted (OPEN and CLOSED). */
  records: AnomalyRecord[];
  traces: Map<string, SeriesTrace>;
  startTs: number;
  endTs: number;
}

export const traceKey = (deviceId: string, field: string) => `${deviceId}\u0000${field}`;

/** Wraps the combined detector so every score and channel is recorded (the verdicts are the detector's own). */
function tracing(
  d: AnyDetector,
  trace: (ts: number, x: number, score: number, channel: string, seen: number) => void,
): AnyDetector {
  if (d.name !== 'combined') return d;
  return {
    name: d.name,
    init: () => d.init(),
    update(s, ts, x) {
      const r = d.update(s, ts, x);
      const state = s as CompositeState;
      trace(ts, x, r.score, compositeChannel(state), state.f[1] as number);
      return r;
    },
  };
}

export function runFleet(options: FleetRunOptions): FleetRun {
  const config = options.config ?? loadPipelineConfig({ env: {} });
  const kinds = options.kinds ?? ANOMALY_KINDS;
  const fleet = createFleet({
    devices: options.devices,
    sites: 10,
    types: ['environment', 'power'],
    seed: options.seed,
    gatewaySize: 0,
    devicePrefix: 'sim',
    sitePrefix: 'site',
  });
  const originTs = options.startTs;
  const truth: TruthRecord[] = [];
  const onTruth = (r: TruthRecord) => truth.push(r);
  const injector = createAnomalyInjector({
    seed: options.seed,
    ratePerDeviceHour: options.anomalyRate,
    kinds,
    intervalMs: options.intervalMs,
    notBeforeTs: originTs + options.warmupMs,
    onTruth,
  });
  const schedule = createHistorySchedule({
    units: fleet.units.length,
    startTs: originTs,
    intervalMs: options.intervalMs,
  });
  const builder = createMessageBuilder({ fleet, schedule, seed: options.seed, originTs, injector, onTruth });

  const traces = new Map<string, SeriesTrace>();
  let current: { deviceId: string; type: string } = { deviceId: '', type: '' };
  const specs = new Map<string, DeviceJournalSpec>();
  const routes = detectRoutes(config);
  const heartbeat = config.detectors.missing.enabled ? heartbeatConfig(config.detectors) : undefined;
  for (const { route, detectors } of routes) {
    const traced = new Map<string, readonly AnyDetector[]>();
    for (const [field, ds] of detectors)
      traced.set(
        field,
        ds.map((d) =>
          tracing(d, (ts, x, score, channel, seen) => {
            const key = traceKey(current.deviceId, field);
            let t = traces.get(key);
            if (t === undefined) {
              t = {
                deviceId: current.deviceId,
                type: current.type,
                field,
                ts: [],
                values: [],
                scores: [],
                channels: [],
                seen: [],
              };
              traces.set(key, t);
            }
            t.ts.push(ts);
            t.values.push(x);
            t.scores.push(score);
            t.channels.push(channel);
            t.seen.push(seen);
          }),
        ),
      );
    specs.set(route.type, {
      route,
      detectors: traced,
      heartbeat,
      snapshotEvery: config.detectors.defaults.snapshotEvery,
      cooldownMs: config.detectors.defaults.cooldown,
    });
  }

  const states = new Map<string, DeviceState>();
  const records: AnomalyRecord[] = [];
  const rounds = schedule.roundsBefore(originTs + options.historyMs);
  const units = fleet.units.length;
  for (let k = 0; k < rounds * units; k++) {
    const message = builder.build(k);
    // A malformed payload never reaches the detect step (the MQTT source dead-letters it).
    if (message === undefined || message.malformed > 0) continue;
    const reading = JSON.parse(message.payload) as Record<string, number | string>;
    const deviceId = reading.deviceId as string;
    const type = message.unit.type;
    const spec = specs.get(type);
    if (spec === undefined) continue;
    let state = states.get(deviceId);
    if (state === undefined) {
      state = newDeviceState();
      if (options.keepDetectorsAfterSilence) {
        const fields = state.fields;
        Object.defineProperty(state, 'fields', { get: () => fields, set: () => {}, enumerable: true });
      }
      states.set(deviceId, state);
    }
    current = { deviceId, type };
    const ts = reading.ts as number;
    const values = spec.route.fields.map((f) => (typeof reading[f] === 'number' ? (reading[f] as number) : null));
    records.push(
      ...applyDeviceEvent(state, { kind: 'reading', ts, arrival: ts, site: message.unit.site, values }, deviceId, spec),
    );
  }
  injector.flush();
  return {
    options,
    truth,
    records,
    traces,
    startTs: originTs,
    endTs: schedule.tsOf((rounds - 1) * units),
  };
}

/** The demo's score of a run: OPEN incidents of the run, span after the warm-up (demo/detection.ts). */
export function scoreRun(run: FleetRun) {
  return scoreDetectionOffline(run.truth, run.records, {
    startTs: run.startTs,
    endTs: run.endTs,
    devices: run.options.devices,
    intervalMs: run.options.intervalMs,
    warmupMs: run.options.warmupMs,
  });
}
