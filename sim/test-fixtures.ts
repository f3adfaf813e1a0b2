import { createAnomalyInjector } from './anomaly-injector.js';
import type { AnomalyKind } from './anomaly-kinds.js';
import { createFleet, type FleetOptions } from './fleet.js';
import type { TruthRecord } from './ground-truth.js';
import { createMessageBuilder, type SimMessage } from './message-builder.js';
import { createSchedule } from './schedule.js';

export const T0 = Date.UTC(2025, 0, 15, 0, 0, 0);

export interface RunSpec {
  fleet?: Partial<FleetOptions>;
  rate?: number;
  durationS?: number;
  anomalyRate?: number;
  kinds?: AnomalyKind[];
  seed?: number;
  /** No anomaly starts before this event time (see AnomalyInjectorOptions). */
  notBeforeTs?: number;
}

/** Builds every slot of a run in memory: the messages and the truth, as the simulator would send them. */
export function buildRun(spec: RunSpec = {}): { messages: SimMessage[]; truth: TruthRecord[]; intervalMs: number } {
  const seed = spec.seed ?? 7;
  const fleet = createFleet({
    devices: 50,
    sites: 3,
    types: ['environment', 'power'],
    seed,
    gatewaySize: 0,
    devicePrefix: 'sim',
    sitePrefix: 'site',
    ...spec.fleet,
  });
  const schedule = createSchedule({
    units: fleet.units.length,
    devices: fleet.devices.length,
    rate: spec.rate ?? 50,
    durationS: spec.durationS ?? 100,
    startTs: T0,
  });
  const truth: TruthRecord[] = [];
  const onTruth = (r: TruthRecord) => truth.push(r);
  const injector = createAnomalyInjector({
    seed,
    ratePerDeviceHour: spec.anomalyRate ?? 0,
    kinds: spec.kinds ?? [],
    intervalMs: schedule.intervalMs,
    ...(spec.notBeforeTs === undefined ? {} : { notBeforeTs: spec.notBeforeTs }),
    onTruth,
  });
  const builder = createMessageBuilder({ fleet, schedule, seed, originTs: T0, injector, onTruth });
  const messages: SimMessage[] = [];
  for (let k = 0; k < schedule.totalSlots; k++) {
    const m = builder.build(k);
    if (m) messages.push(m);
  }
  injector.flush();
  return { messages, truth, intervalMs: schedule.intervalMs };
}

/** Readings by `deviceId@ts`, parsed (messages that are not JSON are skipped). */
export function readingsByKey(messages: readonly SimMessage[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const m of messages) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(m.payload);
    } catch {
      continue;
    }
    for (const r of Array.isArray(parsed) ? parsed : [parsed]) {
      const rec = r as Record<string, unknown>;
      out.set(`${rec.deviceId}@${rec.ts}`, rec);
    }
  }
  return out;
}
