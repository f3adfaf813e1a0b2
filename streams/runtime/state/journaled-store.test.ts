import { describe, expect, it } from 'vitest';
import { Serdes, type SyncSerde } from '../serde.js';
import { InMemoryJournaledStore, type Journal } from './journaled-store.js';
import type { ChangelogEntry } from './state-store.js';

/** A small state that depends on every event and its order: count, sum, and the last 5 values. */
interface Acc {
  n: number;
  sum: number;
  last: number[];
}

const accSerde: SyncSerde<Acc> = {
  serialize: (s) => Buffer.from(JSON.stringify(s)),
  deserialize: (b) => JSON.parse(String(b)) as Acc,
};
const numSerde: SyncSerde<number> = {
  serialize: (x) => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(x);
    return b;
  },
  deserialize: (b) => (b as Buffer).readDoubleBE(0),
};

function journal(snapshotEvery: number, applied: number[] = []): Journal<string, Acc, number, number> {
  return {
    init: () => ({ n: 0, sum: 0, last: [] }),
    apply: (s, x) => {
      applied.push(x);
      s.n++;
      s.sum = s.sum * 0.5 + x;
      s.last = [...s.last.slice(-4), x];
      return s.n;
    },
    stateSerde: accSerde,
    eventSerde: numSerde,
    snapshotEvery,
  };
}

function store(snapshotEvery: number, applied?: number[]) {
  const s = new InMemoryJournaledStore('acc', Serdes.string(), journal(snapshotEvery, applied), 1e12, true);
  s.init({ applicationId: 'app', partition: 0, currentStreamTimeMs: () => 0 });
  return s;
}

/** Kafka log compaction: the latest value per key (a tombstone removes it). */
function compact(log: ChangelogEntry[]): ChangelogEntry[] {
  const latest = new Map<string, ChangelogEntry>();
  for (const e of log) {
    const k = e.key.toString('latin1');
    latest.delete(k);
    latest.set(k, e);
  }
  return [...latest.values()].filter((e) => e.value !== null);
}

function restored(snapshotEvery: number, log: ChangelogEntry[], applied?: number[]) {
  const s = store(snapshotEvery, applied);
  for (const e of log) s.restore(e.key, e.value);
  s.restoreComplete();
  return s;
}

/** A deterministic pseudo-random sequence. */
function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('InMemoryJournaledStore', () => {
  it('logs the events of a key since the last drain as one entry, and a snapshot once it has snapshotEvery events since the last', () => {
    const slot = (e: ChangelogEntry) => e.key.readUInt16BE(e.key.length - 2);
    const s = store(4);
    s.apply('d1', 1, 10);
    s.apply('d1', 2, 11);
    s.apply('d2', 9, 11);
    const first = s.drainChangelog();
    expect(first.map(slot)).toEqual([1, 1]);
    // ts + first seq + count + (length + a double) per event
    expect(first.map((e) => e.value?.length)).toEqual([16 + 4 + 2 * 12, 16 + 4 + 12]);
    s.apply('d1', 3, 12);
    expect(s.drainChangelog().map(slot)).toEqual([2]);
    s.apply('d1', 4, 13);
    expect(s.drainChangelog().map(slot)).toEqual([0xffff]); // 4 events since none
    s.apply('d1', 5, 14);
    expect(s.drainChangelog().map(slot)).toEqual([3]);
  });

  it('returns what the journal returns and replays nothing on the live path', () => {
    const applied: number[] = [];
    const s = store(3, applied);
    expect(s.apply('a', 7)).toBe(1);
    expect(s.apply('a', 8)).toBe(2);
    expect(applied).toEqual([7, 8]);
    expect(s.get('a')).toEqual({ n: 2, sum: 11.5, last: [7, 8] });
  });

  it('a restore from the raw or the compacted changelog equals the live store, for any history of applies, deletes and drains', () => {
    for (const every of [1, 2, 5, 16]) {
      for (let seed = 1; seed <= 30; seed++) {
        const random = rng(seed * 97 + every);
        const live = store(every);
        const log: ChangelogEntry[] = [];
        const keys = ['a', 'b', 'c', 'd'];
        for (let step = 0; step < 300; step++) {
          const key = keys[Math.floor(random() * keys.length)] as string;
          const roll = random();
          if (roll < 0.04) live.delete(key);
          else live.apply(key, Math.round(random() * 1000) / 10, step);
          if (random() < 0.2) log.push(...live.drainChangelog());
        }
        log.push(...live.drainChangelog());
        const expected = new Map([...live.all()].map(([k, v]) => [k, JSON.stringify(v)]));
        const next = new Map(
          [...expected.keys()].map((key) => {
            live.apply(key, 1.5);
            return [key, JSON.stringify(live.get(key))];
          }),
        );
        for (const source of [log, compact(log)]) {
          const back = restored(every, source);
          expect(
            new Map([...back.all()].map(([k, v]) => [k, JSON.stringify(v)])),
            `every ${every}, seed ${seed}`,
          ).toEqual(expected);
          // ...and goes on identically: the same next event gives the same state.
          for (const key of expected.keys()) {
            back.apply(key, 1.5);
            expect(JSON.stringify(back.get(key))).toBe(next.get(key));
          }
        }
      }
    }
  });

  it('a key deleted and re-created does not pick up its predecessor events on restore', () => {
    const live = store(8);
    const log: ChangelogEntry[] = [];
    for (let i = 1; i <= 6; i++) live.apply('k', i);
    log.push(...live.drainChangelog());
    live.delete('k');
    live.apply('k', 100);
    log.push(...live.drainChangelog());
    const back = restored(8, compact(log));
    expect(back.get('k')).toEqual({ n: 1, sum: 100, last: [100] });
  });

  it('a restored key goes on writing after its latest entry, also when its slots wrapped around', () => {
    for (let drains = 1; drains < 40; drains++) {
      const live = store(5);
      const log: ChangelogEntry[] = [];
      for (let i = 0; i < drains; i++) {
        live.apply('k', i);
        if (i % 3 === 0) live.apply('k', -i - 0.5);
        log.push(...live.drainChangelog());
      }
      const back = restored(5, compact(log));
      const more: ChangelogEntry[] = [];
      for (let i = 0; i < 7; i++) {
        live.apply('k', 100 + i);
        back.apply('k', 100 + i);
        more.push(...back.drainChangelog());
        live.drainChangelog();
        expect(restored(5, compact([...log, ...more])).get('k'), `drains ${drains}, then ${i + 1}`).toEqual(
          live.get('k'),
        );
      }
    }
  });

  it('a restore replays fewer than snapshotEvery events per key', () => {
    const live = store(10);
    const log: ChangelogEntry[] = [];
    for (let i = 0; i < 1000; i++) {
      live.apply('k', i);
      log.push(...live.drainChangelog());
    }
    const applied: number[] = [];
    const back = restored(10, compact(log), applied);
    expect(applied.length).toBeLessThan(10);
    expect(back.get('k')).toEqual(live.get('k'));
    expect(compact(log).length).toBeLessThanOrEqual(11); // one snapshot + at most 10 slots
  });

  it('within an entry budget shared by stores, a new key evicts the least recently updated of its store, with tombstones', () => {
    const evicted: string[] = [];
    const budget = { max: 3, used: 0, onEvict: (store: string) => evicted.push(store) };
    const a = new InMemoryJournaledStore('a', Serdes.string(), journal(4), 1e12, true, budget);
    const b = new InMemoryJournaledStore('b', Serdes.string(), journal(4), 1e12, true, budget);
    for (const s of [a, b]) s.init({ applicationId: 'app', partition: 0, currentStreamTimeMs: () => 0 });
    a.apply('k1', 1);
    a.apply('k2', 2);
    b.apply('x1', 3);
    a.apply('k1', 4); // k1 is now more recent than k2
    a.drainChangelog();
    a.apply('k3', 5); // the budget is full: a evicts its least recently updated, k2
    expect([...a.all()].map(([k]) => k).sort()).toEqual(['k1', 'k3']);
    expect([...b.all()].map(([k]) => k)).toEqual(['x1']);
    expect(budget.used).toBe(3);
    expect(evicted).toEqual(['a']);
    const log = a.drainChangelog();
    expect(log.filter((e) => e.value === null).every((e) => e.key.subarray(0, 2).toString() === 'k2')).toBe(true);
    expect(log.some((e) => e.value === null)).toBe(true);
    a.close();
    expect(budget.used).toBe(1);
  });

  it('a restore beyond the budget keeps the most recently restored keys', () => {
    const live = store(4);
    const log: ChangelogEntry[] = [];
    for (const k of ['k1', 'k2', 'k3', 'k4']) live.apply(k, 1);
    log.push(...live.drainChangelog());
    const budget = { max: 2, used: 0 };
    const back = new InMemoryJournaledStore('acc', Serdes.string(), journal(4), 1e12, true, budget);
    back.init({ applicationId: 'app', partition: 0, currentStreamTimeMs: () => 0 });
    for (const e of log) back.restore(e.key, e.value);
    back.restoreComplete();
    expect(back.size()).toBe(2);
    expect(budget.used).toBe(2);
  });

  it('expire deletes keys not updated for the retention, with tombstones', () => {
    const s = new InMemoryJournaledStore('acc', Serdes.string(), journal(4), 1_000, true);
    s.init({ applicationId: 'app', partition: 0, currentStreamTimeMs: () => 0 });
    s.apply('old', 1, 100);
    s.apply('new', 1, 5_000);
    s.drainChangelog();
    s.expire(5_500);
    expect([...s.all()].map(([k]) => k)).toEqual(['new']);
    const tombstones = s.drainChangelog();
    expect(tombstones.every((e) => e.value === null && e.key.subarray(0, 3).toString() === 'old')).toBe(true);
    expect(tombstones.length).toBeGreaterThan(1);
  });
});
