import { createAnomalyInjector } from '../../sim/anomaly-injector.js';
import { createFleet } from '../../sim/fleet.js';
import { createMessageBuilder } from '../../sim/message-builder.js';
import { createSchedule } from '../../sim/schedule.js';
import { resolveSimulationOptions } from '../../sim/simulation-options.js';
import { type LoadSpec, simulationFlags } from './load.js';

/** One well-formed reading as published (and, the run's summary says, acknowledged by Mosquitto). */
export interface PublishedReading {
  type: string;
  deviceId: string;
  site: string;
  ts: number;
  /** Numeric fields as published. */
  values: Record<string, number>;
}

export interface PublishedRun {
  readings: PublishedReading[];
  /** Readings broken on purpose (MALFORMED): the source must dead-letter them. */
  malformed: number;
  /** Readings of the first `slots` slots, malformed included. */
  total: number;
}

/** `deviceId@ts`: a reading's identity everywhere in the checks. */
export const readingKey = (deviceId: string, ts: number) => `${deviceId}@${ts}`;

/**
 * Rebuilds what `iotp simulate` published for `load` (the simulator is deterministic: same flags,
 * byte-identical messages), slot by slot up to `slots` (the summary's count of slots built).
 */
export function publishedReadings(load: LoadSpec, env: Record<string, string>, slots?: number): PublishedRun {
  const options = resolveSimulationOptions(simulationFlags(load), env);
  const fleet = createFleet(options);
  const startTs = options.startTs as number;
  const schedule = createSchedule({
    units: fleet.units.length,
    devices: fleet.devices.length,
    rate: options.rate,
    durationS: options.durationS,
    startTs,
  });
  const injector = createAnomalyInjector({
    seed: options.seed,
    ratePerDeviceHour: options.anomalyRate,
    kinds: options.anomalyKinds,
    intervalMs: schedule.intervalMs,
    onTruth: () => undefined,
  });
  const builder = createMessageBuilder({
    fleet,
    schedule,
    seed: options.seed,
    originTs: startTs,
    injector,
    onTruth: () => undefined,
  });
  const out: PublishedRun = { readings: [], malformed: 0, total: 0 };
  const last = Math.min(slots ?? schedule.totalSlots, schedule.totalSlots);
  for (let k = 0; k < last; k++) {
    const m = builder.build(k);
    if (!m) continue;
    out.total += m.readings;
    if (m.malformed > 0) {
      out.malformed += m.malformed;
      continue;
    }
    const payload = JSON.parse(m.payload) as Record<string, unknown>;
    const values: Record<string, number> = {};
    for (const [name, v] of Object.entries(payload)) if (typeof v === 'number' && name !== 'ts') values[name] = v;
    out.readings.push({ type: m.unit.type, deviceId: m.unit.clientId, site: m.unit.site, ts: m.ts, values });
  }
  return out;
}
