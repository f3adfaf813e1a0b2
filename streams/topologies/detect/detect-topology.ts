import type { Command } from '../../../schemas/generated/command.js';
import { StreamsBuilder } from '../../runtime/dsl/streams-builder.js';
import { type Serde, Serdes } from '../../runtime/serde.js';
import { Stores } from '../../runtime/state/stores.js';
import type { Topology } from '../../runtime/topology/topology.js';
import { readingTime } from '../aggregate/aggregate-topology.js';
import { type DedupeSpec, dedupeReadings } from '../shared/dedupe-readings.js';
import { readingValues } from '../shared/reading-values.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import type { AnomalyRecord } from './anomaly-record.js';
import { type DetectInput, DetectProcessor, type DetectStepSpec } from './detect-processor.js';
import { deviceJournal } from './device-journal.js';
import { type DeviceSettingsSpec, deviceResolver } from './device-settings.js';
import type { AnyDetector } from './field-detectors.js';
import { STUCK_RECALIBRATE_STEP, StuckRecalibrateProcessor, type StuckRecalibrateRule } from './stuck-recalibrate.js';

export interface DetectTopologyOptions {
  routes: readonly { route: TopologyRoute; detectors: ReadonlyMap<string, readonly AnyDetector[]> }[];
  readingSerde(route: TopologyRoute): Serde<unknown>;
  /** The device-status topic (OFFLINE -> MISSING); omit to ignore statuses. */
  status?: { topic: string; serde: Serde<unknown> };
  anomaliesTopic: string;
  anomalySerde: Serde<AnomalyRecord>;
  heartbeat: DetectStepSpec['heartbeat'];
  checkIntervalMs: number;
  /** Per-device state is dropped after this much event time without a reading. */
  stateRetentionMs: number;
  /** A device's state is logged whole every this many events (readings, statuses); events in between. */
  snapshotEvery: number;
  /** Alarms of one device field closer than this (event time) are one incident. */
  cooldownMs: number;
  /**
   * Device states (of every type and task) one worker keeps at most: beyond, the least recently
   * updated are evicted (and start learning again). Undefined: no bound.
   */
  maxDeviceStates?: number;
  onStateEvicted?(store: string): void;
  onAnomaly?(anomaly: AnomalyRecord, wallClockMs: number): void;
  /** Drop a copy of a reading (same deviceId and ts) within this horizon (step `<type>-dedupe`); omit: none. */
  dedupeHorizonMs?: number;
  onDuplicate?: DedupeSpec['onDuplicate'];
  /**
   * `commands.stuckRecalibrate`: a STUCK incident that opens also sends the device a command (step
   * `stuck-recalibrate` -> `commands.topic`, in the same transaction as the anomaly). Omit: no commands.
   */
  commands?: { topic: string; serde: Serde<Command>; rule: StuckRecalibrateRule };
  /**
   * Per-device limits and detector overrides (the device registry, `devices.enabled`): a side
   * input looked up at each reading, eventually consistent (device-settings.ts). Omit: the
   * pipeline's detectors for every device.
   */
  devices?: DeviceSettingsSpec;
}

/** Store of a reading type's device states: `<type>-detectors` (changelog `<app>-<type>-detectors-changelog`). */
export function detectStoreName(type: string): string {
  return `${type}-detectors`;
}

/**
 * The detect topology: every reading route's records parsed once (`<type>-values`; bad values are
 * dead-lettered), the device-status topic (`status-values`), and one `detect` step keeping a
 * state per device and type in the journaled store `<type>-detectors` (see {@link DetectProcessor}
 * and device-journal.ts: events are logged, with a snapshot every `snapshotEvery`), writing anomaly
 * records keyed by deviceId to `anomaliesTopic` with the anomaly's event time as timestamp.
 *
 * @example
 *   const t = detectTopology({ routes, readingSerde, anomaliesTopic: 'telemetry.anomalies', anomalySerde,
 *     heartbeat: heartbeatConfig(config.detectors), checkIntervalMs: 10_000, stateRetentionMs: 7 * 86_400_000,
 *     snapshotEvery: 128 });
 */
export function detectTopology(options: DetectTopologyOptions): Topology {
  const builder = new StreamsBuilder();
  const parents: string[] = [];
  const stores = new Map<string, string>();
  for (const { route } of options.routes) {
    const step = `${route.type}-values`;
    const values = builder
      .stream<string, unknown>(
        route.topic,
        {
          keySerde: Serdes.string(),
          valueSerde: options.readingSerde(route),
          timestampExtractor: (_raw, v) => readingTime(v, route.timeField),
        },
        `${route.type}-readings`,
      )
      .mapValues<DetectInput>(
        (v) => ({ kind: 'reading', type: route.type, reading: readingValues(v, route.fields, route.timeField) }),
        step,
      );
    const { dedupeHorizonMs: horizonMs, onDuplicate } = options;
    const dedupe = horizonMs !== undefined && { type: route.type, horizonMs, ...(onDuplicate ? { onDuplicate } : {}) };
    parents.push(dedupe ? dedupeReadings(builder, values, dedupe).stepName : step);
    stores.set(route.type, detectStoreName(route.type));
  }
  if (options.status) {
    builder
      .stream<string, unknown>(
        options.status.topic,
        {
          keySerde: Serdes.string(),
          valueSerde: options.status.serde,
          timestampExtractor: (_raw, v) => readingTime(v, 'ts'),
        },
        'status-readings',
      )
      .mapValues<DetectInput>((v) => statusInput(v), 'status-values');
    parents.push('status-values');
  }
  const topology = builder.build();
  // One budget for the stores of every task this topology builds: the worker's bound.
  const budget =
    options.maxDeviceStates === undefined
      ? undefined
      : {
          max: options.maxDeviceStates,
          used: 0,
          ...(options.onStateEvicted ? { onEvict: options.onStateEvicted } : {}),
        };
  const devices = options.devices;
  const resolve = devices ? deviceResolver(devices.section) : undefined;
  const routeOf = new Map(options.routes.map(({ route }) => [route.type, route]));
  const spec: DetectStepSpec = {
    stores,
    heartbeat: options.heartbeat,
    checkIntervalMs: options.checkIntervalMs,
    ...(options.onAnomaly ? { onAnomaly: options.onAnomaly } : {}),
    ...(devices && resolve
      ? {
          devices: {
            settings: devices.settings,
            resolve: (key: string, type: string) => resolve(key, routeOf.get(type) as TopologyRoute),
            ...(devices.onProblems ? { onProblems: devices.onProblems } : {}),
          },
        }
      : {}),
  };
  topology.addProcessor('detect', () => new DetectProcessor(spec), ...parents);
  for (const { route, detectors } of options.routes) {
    const journal = deviceJournal({
      route,
      detectors,
      heartbeat: options.heartbeat,
      snapshotEvery: options.snapshotEvery,
      cooldownMs: options.cooldownMs,
      ...(resolve ? { device: (key: string) => resolve(key, route) } : {}),
    });
    topology.addStateStore(
      Stores.journaled(detectStoreName(route.type), Serdes.string(), journal, {
        retentionMs: options.stateRetentionMs,
        ...(budget ? { budget } : {}),
      }),
      'detect',
    );
  }
  topology.addSink(
    'anomalies-out',
    options.anomaliesTopic,
    { keySerde: Serdes.string(), valueSerde: options.anomalySerde },
    'detect',
  );
  if (options.commands) {
    const { rule, topic, serde } = options.commands;
    topology.addProcessor(STUCK_RECALIBRATE_STEP, () => new StuckRecalibrateProcessor(rule), 'detect');
    topology.addSink('commands-out', topic, { keySerde: Serdes.string(), valueSerde: serde }, STUCK_RECALIBRATE_STEP);
  }
  return topology;
}

function statusInput(v: unknown): DetectInput {
  const s = (v ?? {}) as Record<string, unknown>;
  return {
    kind: 'status',
    status: s.status === 'OFFLINE' ? 'OFFLINE' : 'ONLINE',
    ts: typeof s.ts === 'number' ? s.ts : 0,
    site: typeof s.site === 'string' ? s.site : '',
  };
}
