import { describe, expect, it } from 'vitest';
import { Serdes } from '../serde.js';
import { InMemoryJoinWindowStore } from './join-window-store.js';

function store(retentionMs = 100) {
  const s = new InMemoryJoinWindowStore('j', Serdes.string(), Serdes.json<string>(), retentionMs, true);
  s.init({ applicationId: 'app', partition: 0, currentStreamTimeMs: () => 0 });
  return s;
}
const fetched = (s: InMemoryJoinWindowStore<string, string>, key: string, from: number, to: number) =>
  [...s.fetch(key, from, to)].map((x) => `${x.timestamp}:${x.value}`);

describe('InMemoryJoinWindowStore', () => {
  it('keeps duplicates, fetches one key by inclusive time range in timestamp order', () => {
    const s = store();
    s.put('a', 20, 'x');
    s.put('a', 10, 'y');
    s.put('a', 20, 'z');
    s.put('b', 15, 'w');
    expect(fetched(s, 'a', 10, 20)).toEqual(['10:y', '20:x', '20:z']);
    expect(fetched(s, 'a', 11, 19)).toEqual([]);
    expect(fetched(s, 'b', 0, 100)).toEqual(['15:w']);
    expect(s.size()).toBe(4);
  });

  it('expires timestamps with ts + retention <= stream time and logs their deletion; a restored copy agrees', () => {
    const s = store(100);
    s.put('a', 10, 'x');
    s.put('a', 50, 'y');
    s.put('a', 50, 'y2');
    const first = s.drainChangelog();
    expect(first).toHaveLength(2);
    s.expire(110); // 10 + 100 <= 110: gone; 50 stays
    expect(fetched(s, 'a', 0, 100)).toEqual(['50:y', '50:y2']);
    const second = s.drainChangelog();
    expect(second.map((e) => e.value)).toEqual([null]);
    const copy = store(100);
    for (const e of [...first, ...second]) copy.restore(e.key, e.value);
    expect(fetched(copy, 'a', 0, 100)).toEqual(['50:y', '50:y2']);
    expect(copy.size()).toBe(2);
  });
});
