import { describe, expect, it } from 'vitest';
import { createAnomalyInjector } from './anomaly-injector.js';
import { createFleet } from './fleet.js';
import { type HistoryStats, runHistoryLoop } from './history-loop.js';
import { createHistorySchedule, HISTORY_SEQ_BASE } from './history-schedule.js';
import { createMessageBuilder, type SimMessage } from './message-builder.js';
import type { PublishFn } from './publish-loop.js';
import { T0 } from './test-fixtures.js';

const MIN = 60_000;

function setup(devices: number, gatewaySize = 0) {
  const fleet = createFleet({
    devices,
    sites: 3,
    types: ['environment', 'power'],
    seed: 5,
    gatewaySize,
    devicePrefix: 'sim',
    sitePrefix: 'site',
  });
  const schedule = createHistorySchedule({ units: fleet.units.length, startTs: T0, intervalMs: MIN });
  const injector = createAnomalyInjector({ seed: 5, ratePerDeviceHour: 0, kinds: [], intervalMs: MIN, onTruth() {} });
  const builder = createMessageBuilder({ fleet, schedule, seed: 5, originTs: T0, injector, onTruth() {} });
  return { fleet, schedule, builder };
}

/** A clock that only moves when told to (or by `sleep`). */
function clock(start = T0 + 10 * MIN) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    sleep: async (ms: number) => {
      await new Promise((resolve) => setImmediate(resolve));
      t += ms;
    },
  };
}

describe('createHistorySchedule', () => {
  it('gives every unit of a round the same event time, rounds one interval apart, seqs past the live ones', () => {
    const s = createHistorySchedule({ units: 4, startTs: T0, intervalMs: MIN });
    expect([0, 1, 2, 3].map((k) => s.tsOf(k))).toEqual([T0, T0, T0, T0]);
    expect([s.unitOf(9), s.seqOf(9), s.tsOf(9)]).toEqual([1, HISTORY_SEQ_BASE + 2, T0 + 2 * MIN]);
    expect(s.roundsBefore(T0)).toBe(0);
    expect(s.roundsBefore(T0 + 1)).toBe(1);
    expect(s.roundsBefore(T0 + 90_000)).toBe(2);
    expect(() => createHistorySchedule({ units: 4, startTs: T0, intervalMs: 0 })).toThrow(/--interval/);
  });
});

describe('runHistoryLoop', () => {
  it('publishes round by round, every device once per round, in event-time order, up to the end', async () => {
    const { fleet, schedule, builder } = setup(30);
    const c = clock();
    const sent: SimMessage[] = [];
    const stats = await runHistoryLoop({
      schedule,
      builder,
      publish: (m, done) => {
        sent.push(m);
        done();
      },
      readingsPerRound: 30,
      endTs: () => T0 + 60 * MIN,
      catchUp: false,
      maxRounds: 1000,
      now: c.now,
      sleep: c.sleep,
      maxInFlight: 100,
    });
    expect(stats.rounds).toBe(60);
    expect(stats.readingsAcked).toBe(60 * 30);
    expect(sent.map((m) => m.ts)).toEqual([...sent.map((m) => m.ts)].sort((a, b) => a - b));
    for (let r = 0; r < 60; r++) {
      const round = sent.slice(r * 30, (r + 1) * 30);
      expect(new Set(round.map((m) => m.unit.clientId)).size).toBe(fleet.units.length);
      expect(new Set(round.map((m) => m.ts))).toEqual(new Set([T0 + r * MIN]));
    }
    expect(stats.eventTs).toBe(T0 + 59 * MIN);
    // Nothing paces it: no simulated time passed but the yields between batches.
    expect(stats.elapsedMs).toBeLessThan(10);
  });

  it('holds at most maxInFlight unacked messages and goes on as acks come back', async () => {
    const { fleet, schedule, builder } = setup(50, 5);
    const c = clock();
    const pending: Array<() => void> = [];
    let inFlight = 0;
    let maxSeen = 0;
    const publish: PublishFn = (_m, done) => {
      inFlight += 1;
      maxSeen = Math.max(maxSeen, inFlight);
      pending.push(() => {
        inFlight -= 1;
        done();
      });
    };
    // The "broker" acks 7 messages per event-loop turn.
    let stop = false;
    const broker = (async () => {
      while (!stop) {
        for (const ack of pending.splice(0, 7)) ack();
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const stats = await runHistoryLoop({
      schedule,
      builder,
      publish,
      readingsPerRound: 50,
      endTs: () => T0 + 120 * MIN,
      catchUp: false,
      maxRounds: 1000,
      now: c.now,
      sleep: c.sleep,
      maxInFlight: 20,
    });
    stop = true;
    await broker;
    expect(maxSeen).toBe(20);
    expect(fleet.units.length).toBeLessThan(50); // gateways: several readings a message
    expect(stats.messagesSent).toBe(120 * fleet.units.length);
    expect(stats.readingsAcked).toBe(120 * 50);
    expect(stats.inFlight).toBe(0);
  });

  it('catches up with a moving clock, and stops at maxRounds when it cannot', async () => {
    const { schedule, builder } = setup(10);
    const c = clock(T0 + 30 * MIN);
    const progress: HistoryStats[] = [];
    // Each publish takes 1 s of wall clock: 10 devices a round, so a round of event time (1 min) costs 10 s.
    const stats = await runHistoryLoop({
      schedule,
      builder,
      publish: (_m, done) => {
        c.advance(1000);
        done();
      },
      readingsPerRound: 10,
      endTs: c.now,
      catchUp: true,
      maxRounds: 1000,
      now: c.now,
      sleep: c.sleep,
      maxInFlight: 5,
      onProgress: (s) => progress.push(s),
      progressEveryMs: 0,
    });
    // Caught up: the last round is before the clock, the next would not be.
    expect(stats.eventTs).toBeLessThan(c.now());
    expect(stats.eventTs + MIN).toBeGreaterThanOrEqual(c.now() - 10_000);
    expect(stats.rounds).toBeGreaterThan(30);
    expect(progress.at(-1)?.growthPerS).toBeCloseTo(10 / 60, 5);

    const capped = await runHistoryLoop({
      schedule,
      builder: setup(10).builder,
      // Each publish takes 10 s: a round costs 100 s, more than the minute of event time it carries.
      publish: (_m, done) => {
        c.advance(10_000);
        done();
      },
      readingsPerRound: 10,
      endTs: c.now,
      catchUp: true,
      maxRounds: 50,
      now: c.now,
      sleep: c.sleep,
      maxInFlight: 5,
    });
    expect(capped.rounds).toBe(50);
    expect(capped.eventTs).toBeLessThan(c.now() - MIN);
  });

  it('on abort finishes the round it is in, so every device ends at the same event time', async () => {
    const { schedule, builder } = setup(12);
    const c = clock();
    const controller = new AbortController();
    const sent: SimMessage[] = [];
    const stats = await runHistoryLoop({
      schedule,
      builder,
      publish: (m, done) => {
        sent.push(m);
        if (sent.length === 30) controller.abort();
        done();
      },
      readingsPerRound: 12,
      endTs: () => T0 + 60 * MIN,
      catchUp: false,
      maxRounds: 1000,
      now: c.now,
      sleep: c.sleep,
      maxInFlight: 100,
      maxBatch: 5,
      signal: controller.signal,
    });
    expect(sent.length % 12).toBe(0);
    expect(stats.rounds).toBe(sent.length / 12);
  });
});
