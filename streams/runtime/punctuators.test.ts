import { describe, expect, it } from 'vitest';
import { statsTopology } from '../test-utils/stats-topology.js';
import { TopologyTestDriver } from '../test-utils/topology-test-driver.js';
import type { Processor, ProcessorContext } from './processor/processor.js';
import type { StreamRecord } from './record.js';
import { Serdes } from './serde.js';
import type { KeyValueStore } from './state/key-value-store.js';
import { Stores } from './state/stores.js';
import { Topology } from './topology/topology.js';

const str = Serdes.string();

/** Remembers the last event time per key; reports silent keys on a wall-clock punctuator. */
class Silence implements Processor<string, string, string, string> {
  private ctx!: ProcessorContext<string, string>;
  private seen!: KeyValueStore<string, number>;

  init(ctx: ProcessorContext<string, string>): void {
    this.ctx = ctx;
    this.seen = ctx.getStateStore<KeyValueStore<string, number>>('seen');
    ctx.schedule(1_000, 'WALL_CLOCK_TIME', (now) => {
      for (const [k, lastWall] of this.seen.all())
        if (now - lastWall >= 3_000) ctx.forward({ key: k, value: `silent@${now}`, timestamp: now, headers: {} });
    });
    ctx.schedule(100, 'STREAM_TIME', (st) =>
      ctx.forward({ key: 'tick', value: `stream@${st}`, timestamp: st, headers: {} }),
    );
  }

  process(r: StreamRecord<string, string>): void {
    this.seen.put(r.key, this.ctx.currentSystemTimeMs(), r.timestamp);
  }
}

function silenceTopology(): Topology {
  return new Topology()
    .addSource('in', 'in', { keySerde: str, valueSerde: str })
    .addProcessor('silence', () => new Silence(), 'in')
    .addStateStore(Stores.keyValue('seen', str, Serdes.float64(), { retentionMs: 1_000_000 }), 'silence')
    .addSink('out', 'out', { keySerde: str, valueSerde: str }, 'silence');
}

describe('punctuators (test driver)', () => {
  it('fires wall-clock punctuators as the clock advances, once per due time', async () => {
    const d = new TopologyTestDriver(silenceTopology(), { initialWallClockMs: 10_000 });
    await d.pipeInput('in', 'dev-1', 'x', 5);
    await d.advanceWallClockTime(2_000);
    expect((await d.readOutput<string, string>('out')).filter((r) => r.key !== 'tick')).toEqual([]);
    await d.advanceWallClockTime(1_000);
    expect((await d.readOutput<string, string>('out')).map((r) => r.value)).toEqual(['silent@13000']);
    await d.advanceWallClockTime(5_000); // several intervals at once: fires once
    expect((await d.readOutput<string, string>('out')).map((r) => r.value)).toEqual(['silent@18000']);
    d.close();
  });

  it('fires stream-time punctuators as event time advances, not with the wall clock', async () => {
    const d = new TopologyTestDriver(silenceTopology());
    await d.pipeInput('in', 'a', 'x', 1_000); // first stream time: the schedule starts here
    await d.pipeInput('in', 'a', 'x', 1_050);
    await d.pipeInput('in', 'a', 'x', 1_100);
    await d.pipeInput('in', 'a', 'x', 1_450);
    await d.advanceWallClockTime(60_000);
    const ticks = (await d.readOutput<string, string>('out')).filter((r) => r.key === 'tick').map((r) => r.value);
    expect(ticks).toEqual(['stream@1100', 'stream@1450']);
    d.close();
  });

  it('idle rule: a quiet task advances stream time with the wall clock after the idle timeout, closing its windows', async () => {
    const t = statsTopology({ input: 'r', output: 's', windowMs: 10_000, graceMs: 2_000 });
    const d = new TopologyTestDriver(t, { idleTimeoutMs: 5_000, initialWallClockMs: 1_000_000 });
    await d.pipeInput('r', 'dev-1', { value: 1 }, 7_000);
    await d.advanceWallClockTime(4_999);
    expect(d.streamTime()).toBe(7_000);
    await d.advanceWallClockTime(1); // idle: stream time = 7_000 + 5_000 = 12_000 = close time
    expect(d.streamTime()).toBe(12_000);
    expect((await d.readOutput<string, { count: number }>('s')).map((r) => r.value.count)).toEqual([1]);
    await d.pipeInput('r', 'dev-1', { value: 1 }, 8_000); // now late
    expect(d.readRawOutput(d.lateTopic)).toHaveLength(1);
    d.close();
  });

  it('without an idle timeout a quiet task keeps its windows open', async () => {
    const t = statsTopology({ input: 'r', output: 's', windowMs: 10_000, graceMs: 2_000 });
    const d = new TopologyTestDriver(t);
    await d.pipeInput('r', 'dev-1', { value: 1 }, 7_000);
    await d.advanceWallClockTime(3_600_000);
    expect(await d.readOutput('s')).toEqual([]);
    d.close();
  });
});
