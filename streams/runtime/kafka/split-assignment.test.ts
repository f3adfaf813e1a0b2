import { describe, expect, it } from 'vitest';
import { partitionCoverage } from './split-assignment.js';

describe('partitionCoverage', () => {
  const counts = new Map([
    ['readings', 3],
    ['devices', 3],
    ['app-by-site-repartition', 4],
  ]);

  it('a member with partition p of every topic that has one holds the whole task', () => {
    const assigned = ['readings', 'devices', 'app-by-site-repartition'].map((topic) => ({ topic, partition: 1 }));
    expect(partitionCoverage(assigned, counts, [1])).toEqual([
      { partition: 1, have: ['readings', 'devices', 'app-by-site-repartition'], missing: [] },
    ]);
    // partition 3 exists only in the repartition topic
    expect(partitionCoverage([{ topic: 'app-by-site-repartition', partition: 3 }], counts, [3])[0]?.missing).toEqual(
      [],
    );
  });

  it("kafkajs' RoundRobin over two 3-partition topics and two members splits every partition number", () => {
    // RoundRobin: readings-0 m0, readings-1 m1, readings-2 m0, devices-0 m1, devices-1 m0, devices-2 m1
    const m0 = [
      { topic: 'readings', partition: 0 },
      { topic: 'readings', partition: 2 },
      { topic: 'devices', partition: 1 },
    ];
    const two = new Map([
      ['readings', 3],
      ['devices', 3],
    ]);
    expect(partitionCoverage(m0, two, [0, 1, 2]).map((c) => [c.partition, c.have, c.missing])).toEqual([
      [0, ['readings'], ['devices']],
      [1, ['devices'], ['readings']],
      [2, ['readings'], ['devices']],
    ]);
  });
});
