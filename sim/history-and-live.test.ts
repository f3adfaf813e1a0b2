/**
 * History then live, built as runSimulation builds them (one injector, one origin at the history's
 * start): each device's series goes on from history to live with no jump, and anomalies start in
 * the history at the rate asked per device-hour of event time.
 */
import { describe, expect, it } from 'vitest';
import { createAnomalyInjector } from './anomaly-injector.js';
import type { AnomalyKind } from './anomaly-kinds.js';
import { createFleet } from './fleet.js';
import type { TruthRecord } from './ground-truth.js';
import { createHistorySchedule } from './history-schedule.js';
import { createMessageBuilder, type SimMessage } from './message-builder.js';
import { createSchedule } from './schedule.js';
import { HOUR_MS } from './sensor-types/sensor-type-model.js';
import { readingsByKey, T0 } from './test-fixtures.js';

const MIN = 60_000;

function run(anomalyRate: number, kinds: AnomalyKind[], liveOrigin?: 'live') {
  const seed = 9;
  const fleet = createFleet({
    devices: 40,
    sites: 4,
    types: ['environment', 'power'],
    seed,
    gatewaySize: 0,
    devicePrefix: 'sim',
    sitePrefix: 'site',
  });
  const history = createHistorySchedule({ units: 40, startTs: T0, intervalMs: MIN });
  const liveStart = T0 + 6 * HOUR_MS + 20_000;
  const live = createSchedule({ units: 40, devices: 40, rate: 40, durationS: 120, startTs: liveStart });
  const truth: TruthRecord[] = [];
  const onTruth = (r: TruthRecord) => truth.push(r);
  const injector = createAnomalyInjector({ seed, ratePerDeviceHour: anomalyRate, kinds, intervalMs: MIN, onTruth });
  const builder = (schedule: typeof history | typeof live, originTs: number) =>
    createMessageBuilder({ fleet, schedule, seed, originTs, injector, onTruth });
  const messages: SimMessage[] = [];
  const hb = builder(history, T0);
  for (let k = 0; k < history.roundsBefore(liveStart) * 40; k++) {
    const m = hb.build(k);
    if (m) messages.push(m);
  }
  injector.setInterval(live.intervalMs);
  const lb = builder(live, liveOrigin === 'live' ? liveStart : T0);
  for (let k = 0; k < live.totalSlots; k++) {
    const m = lb.build(k);
    if (m) messages.push(m);
  }
  injector.flush();
  return { fleet, messages, truth, liveStart };
}

/** Per device and field: the largest step between the last history reading and the first live one, in noise sigmas. */
function worstStep(r: ReturnType<typeof run>): { sigmas: number; energyStep: number } {
  const byDevice = new Map<string, Array<Record<string, number>>>();
  for (const reading of readingsByKey(r.messages).values()) {
    const list = byDevice.get(reading.deviceId as string) ?? [];
    list.push(reading as Record<string, number>);
    byDevice.set(reading.deviceId as string, list);
  }
  let sigmas = 0;
  let energyStep = 0;
  for (const device of r.fleet.devices) {
    const series = (byDevice.get(device.deviceId) ?? []).sort((a, b) => (a.ts as number) - (b.ts as number));
    const firstLive = series.findIndex((x) => (x.ts as number) >= r.liveStart);
    const before = series[firstLive - 1] as Record<string, number>;
    const after = series[firstLive] as Record<string, number>;
    const sigma = device.model.noiseSigma(device.params);
    for (const field of device.model.fields) {
      const step = (after[field.name] as number) - (before[field.name] as number);
      if (field.counter) energyStep = Math.max(energyStep, Math.abs(step));
      else sigmas = Math.max(sigmas, Math.abs(step) / (sigma[field.name] as number));
    }
  }
  return { sigmas, energyStep };
}

describe('history then live', () => {
  it('continues every device series with no jump: drift, daily cycle and counters go on', () => {
    const { sigmas, energyStep } = worstStep(run(0, []));
    // Two noisy readings 80 s apart differ by noise (sqrt(2) sigma each) and a little daily cycle.
    expect(sigmas).toBeLessThan(6);
    expect(energyStep).toBeLessThan(0.1); // kWh in 80 s: the counter goes on, it does not restart
    // A live part measured from its own origin would restart the counter: the check sees that.
    expect(worstStep(run(0, [], 'live')).energyStep).toBeGreaterThan(1);
  });

  it('starts anomalies in the history at the rate asked per device-hour of event time', () => {
    const { truth, liveStart } = run(2, ['SPIKE', 'DIP']);
    const inHistory = truth.filter((t) => t.startTs < liveStart);
    const expected = 2 * 40 * 6; // per device-hour x devices x hours
    expect(inHistory.length).toBeGreaterThan(expected * 0.8);
    expect(inHistory.length).toBeLessThan(expected * 1.2);
    expect(new Set(inHistory.map((t) => t.intervalMs))).toEqual(new Set([MIN]));
    for (const t of inHistory)
      expect(Math.abs((t.value as number) - (t.expected as number))).toBeGreaterThan(6 * (t.sigma as number) - 0.01);
  });

  it('carries a lasting anomaly from the history into the live part', () => {
    const { truth, liveStart } = run(20, ['STUCK', 'LEVEL_SHIFT', 'DRIFT', 'NOISE_BURST', 'MISSING']);
    const across = truth.filter((t) => t.startTs < liveStart && t.endTs >= liveStart);
    expect(across.length).toBeGreaterThan(0);
    for (const t of across) expect(t.intervalMs).toBe(MIN);
  });
});
