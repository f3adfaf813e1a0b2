import { describe, expect, it } from 'vitest';
import { createAnomalyInjector } from './anomaly-injector.js';
import { createFleet } from './fleet.js';
import { createMessageBuilder, type SimMessage } from './message-builder.js';
import { type PublishFn, type PublishStats, runPublishLoop } from './publish-loop.js';
import { createSchedule } from './schedule.js';
import { T0 } from './test-fixtures.js';

/** A simulated clock: `sleep` moves time forward instead of waiting. */
function simulatedClock(start = 0) {
  let t = start;
  return {
    now: () => t,
    // Yields to the event loop (so callbacks queued with setImmediate run), then moves time on.
    sleep: async (ms: number) => {
      await new Promise((resolve) => setImmediate(resolve));
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

function setup(devices: number, rate: number, durationS: number, gatewaySize = 0) {
  const fleet = createFleet({
    devices,
    sites: 4,
    types: ['environment', 'power'],
    seed: 1,
    gatewaySize,
    devicePrefix: 'sim',
    sitePrefix: 'site',
  });
  const schedule = createSchedule({
    units: fleet.units.length,
    devices: fleet.devices.length,
    rate,
    durationS,
    startTs: T0,
  });
  const injector = createAnomalyInjector({
    seed: 1,
    ratePerDeviceHour: 0,
    kinds: [],
    intervalMs: schedule.intervalMs,
    onTruth: () => {},
  });
  const builder = createMessageBuilder({ fleet, schedule, seed: 1, originTs: T0, injector, onTruth: () => {} });
  return { fleet, schedule, builder };
}

describe('runPublishLoop over a simulated clock', () => {
  it('honours the rate: never ahead of the schedule, and exactly rate x duration readings', async () => {
    const clock = simulatedClock(1_000_000);
    const { schedule, builder } = setup(20_000, 5_000, 12);
    const sentAt: number[] = [];
    let ahead = 0;
    const publish: PublishFn = (m, done) => {
      const elapsed = clock.now() - 1_000_000;
      if (m.slot >= schedule.dueCount(elapsed)) ahead++;
      sentAt.push(elapsed);
      done();
    };
    const stats = await runPublishLoop({
      schedule,
      builder,
      publish,
      now: clock.now,
      sleep: clock.sleep,
      maxInFlight: 1000,
    });
    expect(ahead).toBe(0);
    expect(stats.readingsAcked).toBe(60_000);
    expect(stats.maxBehind).toBe(0);
    // Per simulated second: 5000 readings (+1 for the slot due at the second's first instant).
    const perSecond = new Map<number, number>();
    for (const t of sentAt) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    for (let s = 1; s < 11; s++) expect(Math.abs((perSecond.get(s) ?? 0) - 5000)).toBeLessThanOrEqual(20);
    expect(stats.elapsedMs).toBeGreaterThanOrEqual(11_999);
    expect(stats.elapsedMs).toBeLessThan(12_100);
  });

  it('carries the same readings/s through gateways in fewer messages', async () => {
    const clock = simulatedClock();
    const { schedule, builder } = setup(1000, 500, 10, 10);
    let readings = 0;
    const messages: SimMessage[] = [];
    const stats = await runPublishLoop({
      schedule,
      builder,
      publish: (m, done) => {
        readings += m.readings;
        messages.push(m);
        done();
      },
      now: clock.now,
      sleep: clock.sleep,
      maxInFlight: 100,
    });
    expect(readings).toBe(5000);
    expect(stats.messagesSent).toBe(messages.length);
    expect(messages.length).toBeLessThan(600);
  });

  it('holds at most maxInFlight unacked messages, falls behind, then catches up and reports it', async () => {
    const clock = simulatedClock();
    const { schedule, builder } = setup(100, 1000, 5);
    const pending: Array<() => void> = [];
    let maxSeen = 0;
    let inFlight = 0;
    const publish: PublishFn = (_m, done) => {
      inFlight++;
      maxSeen = Math.max(maxSeen, inFlight);
      pending.push(() => {
        inFlight--;
        done();
      });
    };
    // The "broker" acks 50 messages every 100 ms of simulated time: half the rate the schedule asks.
    const sleep = async (ms: number) => {
      const before = Math.floor(clock.now() / 100);
      clock.advance(Math.max(ms, 1));
      for (let tick = before; tick < Math.floor(clock.now() / 100); tick++)
        for (const ack of pending.splice(0, 50)) ack();
    };
    const progress: PublishStats[] = [];
    const stats = await runPublishLoop({
      schedule,
      builder,
      publish,
      now: clock.now,
      sleep,
      maxInFlight: 200,
      onProgress: (s) => progress.push(s),
      progressEveryMs: 500,
    });
    expect(maxSeen).toBe(200);
    expect(stats.readingsAcked).toBe(5000);
    expect(stats.maxBehind).toBeGreaterThan(1000);
    expect(stats.elapsedMs).toBeGreaterThanOrEqual(9_000);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.every((p) => p.inFlight <= 200)).toBe(true);
  });

  it('stops building at abort and still waits for the acks', async () => {
    const clock = simulatedClock();
    const { schedule, builder } = setup(100, 100, 0);
    const controller = new AbortController();
    const stats = await runPublishLoop({
      schedule,
      builder,
      publish: (m, done) => {
        if (m.slot === 299) controller.abort();
        setImmediate(done);
      },
      now: clock.now,
      sleep: clock.sleep,
      maxInFlight: 10,
      signal: controller.signal,
    });
    expect(stats.messagesSent).toBe(300);
    expect(stats.messagesAcked).toBe(300);
    expect(stats.inFlight).toBe(0);
  });
});
