import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../sim/score-alarms.js';
import { chooseDevices } from './choose-devices.js';

const ids = Array.from({ length: 50 }, (_, i) => `sim-${String(i).padStart(6, '0')}`);
const alarm = (deviceId: string, ts = 0): Alarm => ({ deviceId, field: 'temperature', kind: 'SPIKE', ts });
const alarms = [
  ...Array.from({ length: 5 }, (_, i) => alarm('sim-000007', i)),
  ...Array.from({ length: 3 }, (_, i) => alarm('sim-000003', i)),
  ...Array.from({ length: 3 }, (_, i) => alarm('sim-000001', i)),
  alarm('sim-000040'),
  alarm('sim-000020'),
];

describe('chooseDevices', () => {
  it('takes the most alarmed devices first (ties by id), then random others with their alarm counts', () => {
    const chosen = chooseDevices(alarms, { candidates: ids, seed: 7 });
    expect(chosen.slice(0, 4)).toEqual([
      { deviceId: 'sim-000007', why: 'most-alarms', alarms: 5 },
      { deviceId: 'sim-000001', why: 'most-alarms', alarms: 3 },
      { deviceId: 'sim-000003', why: 'most-alarms', alarms: 3 },
      { deviceId: 'sim-000020', why: 'most-alarms', alarms: 1 },
    ]);
    const random = chosen.slice(4);
    expect(random).toHaveLength(4);
    for (const d of random) {
      expect(d.why).toBe('random');
      expect(ids).toContain(d.deviceId);
      expect(d.alarms).toBe(alarms.filter((a) => a.deviceId === d.deviceId).length);
    }
    expect(new Set(chosen.map((d) => d.deviceId)).size).toBe(8);
  });

  it('is deterministic given the seed, whatever the candidates order; another seed draws others', () => {
    const a = chooseDevices(alarms, { candidates: ids, seed: 7 });
    const b = chooseDevices(alarms, { candidates: [...ids].reverse(), seed: 7 });
    expect(b).toEqual(a);
    const draws = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(chooseDevices([], { candidates: ids, seed }))));
    expect(draws.size).toBeGreaterThan(1);
  });

  it('draws random devices fairly: every candidate comes up across seeds', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 200; seed++)
      for (const d of chooseDevices([], { candidates: ids, seed, random: 4 })) seen.add(d.deviceId);
    expect(seen.size).toBe(ids.length);
  });

  it('takes what there is when the fleet is small, and honours the counts asked for', () => {
    expect(chooseDevices([alarm('a')], { candidates: ['a', 'b'], seed: 1 })).toEqual([
      { deviceId: 'a', why: 'most-alarms', alarms: 1 },
      { deviceId: 'b', why: 'random', alarms: 0 },
    ]);
    expect(chooseDevices(alarms, { candidates: ids, seed: 1, mostAlarmed: 2, random: 1 })).toHaveLength(3);
    expect(chooseDevices([], { candidates: [], seed: 1 })).toEqual([]);
  });
});
