import { describe, expect, it } from 'vitest';
import { type ReferenceInput, statsReference } from './stats-reference.js';
import { type StatsResult, statsTopology } from './stats-topology.js';
import { TopologyTestDriver } from './topology-test-driver.js';

describe('statsReference', () => {
  it('matches what the topology emits on a shuffled stream with late records', async () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const inputs: ReferenceInput[] = [];
    for (let i = 0; i < 2_000; i++) {
      const ts = 1_000 * i + Math.floor(rand() * 8_000) - 4_000; // out of order, some beyond grace
      inputs.push({
        partition: 0,
        key: `dev-${Math.floor(rand() * 20)}`,
        value: Math.floor(rand() * 100),
        timestamp: Math.max(0, ts),
      });
    }
    const ref = statsReference(inputs, 10_000, 2_000);
    const d = new TopologyTestDriver(statsTopology({ input: 'in', output: 'out', windowMs: 10_000, graceMs: 2_000 }));
    for (const r of inputs) await d.pipeInput('in', r.key, { value: r.value }, r.timestamp);
    const out = await d.readOutput<string, StatsResult>('out');
    const got = new Map(out.map((r) => [`${r.value.deviceId}@${r.value.windowStart}`, r.value]));
    expect(out.length).toBe(got.size); // no window twice
    expect(got).toEqual(ref.results);
    expect(ref.late.length).toBeGreaterThan(0);
    expect(d.readRawOutput(d.lateTopic)).toHaveLength(ref.late.length);
    d.close();
  });
});
