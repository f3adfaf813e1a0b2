import { describe, expect, it } from 'vitest';
import { Repartitioned } from '../dsl/repartitioned.js';
import { StreamsBuilder } from '../dsl/streams-builder.js';
import { Materialized } from '../materialized.js';
import { Serdes } from '../serde.js';
import { StreamTask } from '../task/stream-task.js';
import { JoinWindows } from '../windows/join-windows.js';
import { partitionPlan } from './partition-plan.js';

const str = Serdes.string();
const json = Serdes.json<{ site: string }>();

function streamTable() {
  const b = new StreamsBuilder();
  const t = b.table('devices', { keySerde: str, valueSerde: json }, Materialized.as('devices'));
  b.stream('readings', { keySerde: str, valueSerde: json }, 'readings')
    .join(t, (r, d) => ({ ...r, ...d }), 'enrich')
    .to('out', { keySerde: str, valueSerde: json });
  return b.build().resolveInternalTopics('app');
}

describe('partitionPlan (co-partitioning at start)', () => {
  it('a stream-table join needs the same partition count on both topics, and the error names them', () => {
    expect(() =>
      partitionPlan(
        streamTable(),
        new Map([
          ['readings', 4],
          ['devices', 2],
        ]),
      ),
    ).toThrow(/co-partitioned.*devices=2, readings=4/);
    const plan = partitionPlan(
      streamTable(),
      new Map([
        ['readings', 4],
        ['devices', 4],
      ]),
    );
    expect(plan.stores.get('devices')).toBe(4);
  });

  it('a stream-stream join checks both streams too', () => {
    const b = new StreamsBuilder();
    const a = b.stream('a', { keySerde: str, valueSerde: json }, 'a');
    const c = b.stream('c', { keySerde: str, valueSerde: json }, 'c');
    a.join(c, (x) => x, JoinWindows.ofTimeDifferenceWithNoGrace(10), { name: 'j' });
    expect(() =>
      partitionPlan(
        b.build(),
        new Map([
          ['a', 3],
          ['c', 1],
        ]),
      ),
    ).toThrow(/a=3, c=1/);
  });

  it('a repartition topic gets the writing sub-topology count, or Repartitioned’s; stores follow their sub-topology', () => {
    const build = (partitions?: number) => {
      const b = new StreamsBuilder();
      const s = b
        .stream('readings', { keySerde: str, valueSerde: json }, 'readings')
        .selectKey((_k, v) => v.site, 'site', str);
      const r =
        partitions === undefined
          ? s
          : s.repartition(Repartitioned.as<string, { site: string }>('by-site').withNumberOfPartitions(partitions));
      r.groupByKey({ keySerde: str, valueSerde: json }).count(
        Materialized.as<string, number>('n').withRetention(1_000),
      );
      return b.build().resolveInternalTopics('app');
    };
    const plain = partitionPlan(build(), new Map([['readings', 3]]));
    expect(Object.fromEntries(plain.topics)).toEqual({ readings: 3, 'app-n-repartition': 3 });
    expect(plain.stores.get('n')).toBe(3);
    const chosen = partitionPlan(build(8), new Map([['readings', 3]]));
    expect(Object.fromEntries(chosen.topics)).toEqual({ readings: 3, 'app-by-site-repartition': 8 });
    expect(chosen.stores.get('n')).toBe(8);
    expect(chosen.maxPartitions).toBe(8);
  });

  it('unrelated sources (separate sub-topologies) may differ', () => {
    const b = new StreamsBuilder();
    b.stream('x', { keySerde: str, valueSerde: json }, 'x').to('x-out', { keySerde: str, valueSerde: json });
    b.stream('y', { keySerde: str, valueSerde: json }, 'y').to('y-out', { keySerde: str, valueSerde: json });
    const plan = partitionPlan(
      b.build(),
      new Map([
        ['x', 2],
        ['y', 5],
      ]),
    );
    expect(plan.maxPartitions).toBe(5);
  });

  it('a task builds only the sub-topologies that have its partition', () => {
    const b = new StreamsBuilder();
    b.stream('readings', { keySerde: str, valueSerde: json }, 'readings')
      .groupByKey({ keySerde: str })
      .count(Materialized.as<string, number>('per-device').withRetention(1_000))
      .toStream()
      .selectKey((k) => k.slice(0, 3), 'prefix', str)
      .repartition(
        Repartitioned.as<string, number>('by-prefix').withNumberOfPartitions(6).withValueSerde(Serdes.float64()),
      )
      .groupByKey({ keySerde: str, valueSerde: Serdes.float64() })
      .count(Materialized.as<string, number>('per-prefix').withRetention(1_000));
    const t = b.build().resolveInternalTopics('app');
    const plan = partitionPlan(t, new Map([['readings', 3]]));
    const task = (partition: number) =>
      new StreamTask({
        applicationId: 'app',
        partition,
        topology: t,
        clock: () => 0,
        lateTopic: 'late',
        dlqTopic: 'dlq',
        partitionCounts: plan,
      });
    expect([...task(1).stores.keys()].sort()).toEqual(['per-device', 'per-prefix']);
    expect([...task(4).stores.keys()]).toEqual(['per-prefix']);
  });
});
