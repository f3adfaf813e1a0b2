import { describe, expect, it } from 'vitest';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import { StreamsBuilder } from '../dsl/streams-builder.js';
import { Materialized } from '../materialized.js';
import { Serdes } from '../serde.js';
import { Suppressed } from '../windows/suppressed.js';
import { TimeWindows } from '../windows/time-windows.js';
import type { Windowed } from '../windows/window.js';
import { subClockPlan } from './sub-clocks.js';

const str = Serdes.string();
interface Reading {
  site: string;
}

/** Readings counted per site in 10 s windows after a repartition, beside an unrelated stream. */
function sitesBesideOther() {
  const b = new StreamsBuilder();
  b.stream('other', { keySerde: str, valueSerde: Serdes.json<number>() }, 'other').to('other-out', {
    keySerde: str,
    valueSerde: Serdes.json<number>(),
  });
  b.stream('readings', { keySerde: str, valueSerde: Serdes.json<Reading>() }, 'readings')
    .groupBy((_device, r) => r.site, { name: 'by-site', keySerde: str, valueSerde: Serdes.json<Reading>() })
    .windowedBy(TimeWindows.ofSizeAndGrace(10_000, 0))
    .count(Materialized.as<string, number>('site-counts'))
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .to('site-out', { keySerde: Serdes.windowed(str), valueSerde: Serdes.float64() });
  return b.build();
}

describe('stream time of a sub-topology that reads a repartition topic', () => {
  it('is its own: a later record of another sub-topology of the task closes none of its windows', async () => {
    const d = new TopologyTestDriver(sitesBesideOther(), { applicationId: 'app' });
    // The task's clock jumps to 100 s (as a registry record stamped now would)...
    await d.pipeInput('other', 'x', 1, 100_000);
    // ...then readings of 1-12 s come through the repartition: none is late for its window.
    for (const ts of [1_000, 2_000, 11_000, 12_000]) await d.pipeInput('readings', `dev-${ts}`, { site: 'north' }, ts);
    expect(d.readRawOutput(d.lateTopic)).toEqual([]);
    const out = await d.readOutput<Windowed<string>, number>('site-out');
    // The 0-10 s window closed when the sub-topology's own stream time passed 10 s (at 11 s).
    expect(out.map((r) => `${r.key.key}@${r.key.window.start}=${r.value}`)).toEqual(['north@0=2']);
    d.close();
  });

  it('survives a restart (logged with the task meta)', async () => {
    const d = new TopologyTestDriver(sitesBesideOther(), { applicationId: 'app' });
    await d.pipeInput('readings', 'dev-1', { site: 'north' }, 5_000);
    await d.restart();
    // A reading of 3 s: within the 0-10 s window, still open after the restart.
    await d.pipeInput('readings', 'dev-2', { site: 'north' }, 3_000);
    await d.pipeInput('readings', 'dev-3', { site: 'north' }, 10_000);
    const out = await d.readOutput<Windowed<string>, number>('site-out');
    expect(out.map((r) => `${r.key.key}@${r.key.window.start}=${r.value}`)).toEqual(['north@0=2']);
    // Restored, the clock still stands at 10 s: a reading of 1 s is late.
    await d.restart();
    await d.pipeInput('readings', 'dev-4', { site: 'north' }, 1_000);
    expect(d.readRawOutput(d.lateTopic)).toHaveLength(1);
    d.close();
  });

  it('only sub-topologies reading a repartition topic get a clock of their own', () => {
    const plan = subClockPlan(sitesBesideOther().resolveInternalTopics('app'));
    expect(plan.ids).toEqual(['app-by-site-repartition']);
    expect(plan.clockOfNode.get('other')).toBeUndefined();
    expect(plan.clockOfNode.get('readings')).toBeUndefined();
    expect(plan.clockOfStore.get('site-counts')).toBe('app-by-site-repartition');
  });
});
