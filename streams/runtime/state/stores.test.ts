import { describe, expect, it } from 'vitest';
import { statsSerde } from '../../test-utils/stats-topology.js';
import { Serdes } from '../serde.js';
import type { StateStore } from './state-store.js';
import { Stores } from './stores.js';

const ctx = { applicationId: 'app', partition: 0, currentStreamTimeMs: () => 0 };
const str = Serdes.string();

function roundTrip<S extends StateStore>(make: () => S, fill: (s: S) => void): S {
  const a = make();
  a.init(ctx);
  fill(a);
  const b = make();
  b.init(ctx);
  for (const e of a.drainChangelog()) b.restore(e.key, e.value);
  return b;
}

describe('state stores', () => {
  it('key-value: changelog = key bytes -> 8-byte event time + value; restore rebuilds; retention expires', () => {
    const builder = Stores.keyValue('kv', str, Serdes.float64(), { retentionMs: 100 });
    expect(builder.changelogConfig()).toEqual({ 'cleanup.policy': 'compact' });
    const restored = roundTrip(builder.build, (s) => {
      s.put('a', 1, 10);
      s.put('b', 2, 50);
      s.put('c', 3, 60);
      s.delete('c');
    });
    expect([...restored.all()]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    restored.expire(120); // a (t=10) is older than 120 - 100
    expect([...restored.all()]).toEqual([['b', 2]]);
    expect(restored.drainChangelog()).toEqual([{ key: Buffer.from('a'), value: null }]);
  });

  it('window: one entry per changed key per drain, bytes = 8 + key + value; deletions logged', () => {
    const builder = Stores.window('w', str, statsSerde, { retentionMs: 60_000 });
    expect(builder.changelogConfig()).toEqual({
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(60_000 + 86_400_000),
    });
    const s = builder.build();
    s.init(ctx);
    for (let i = 0; i < 5; i++) s.put('dev-00001', 0, { count: i + 1, min: 0, max: i, sum: i });
    const log = s.drainChangelog();
    expect(log).toHaveLength(1);
    expect((log[0]?.key.length ?? 0) + (log[0]?.value?.length ?? 0)).toBe(8 + 9 + 28);
    s.put('x', 60_000, { count: 1, min: 1, max: 1, sum: 1 });
    s.expire(60_000); // window 0 reaches its retention
    expect(s.windowStarts()).toEqual([60_000]);
    const deletes = s.drainChangelog().filter((e) => e.value === null);
    expect(deletes.map((e) => e.key.subarray(8).toString())).toEqual(['dev-00001']);
  });

  it('session: restore keeps sessions per key; a logged removal deletes on restore', () => {
    const restored = roundTrip(Stores.session('s', str, Serdes.float64(), { retentionMs: 10 }).build, (s) => {
      s.put('a', { start: 0, end: 5 }, 2);
      s.put('a', { start: 20, end: 20 }, 1);
      s.remove('a', { start: 0, end: 5 });
      s.put('b', { start: 3, end: 3 }, 1);
    });
    expect([...restored.all()].map((x) => `${x.key}[${x.window.start},${x.window.end}]=${x.value}`)).toEqual([
      'a[20,20]=1',
      'b[3,3]=1',
    ]);
    expect(restored.findSessions('a', 15, 25)).toHaveLength(1);
  });

  it('every store has a retention', () => {
    expect(() => Stores.keyValue('kv', str, str, { retentionMs: 0 })).toThrow(/stores.kv.retentionMs/);
  });
});
