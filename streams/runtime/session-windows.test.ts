import { describe, expect, it } from 'vitest';
import { TopologyTestDriver } from '../test-utils/topology-test-driver.js';
import { StreamsBuilder } from './dsl/streams-builder.js';
import { Materialized } from './materialized.js';
import { Serdes } from './serde.js';
import { SessionWindows } from './windows/session-windows.js';
import { Suppressed } from './windows/suppressed.js';
import type { Windowed } from './windows/window.js';

const str = Serdes.string();

function sessions(final: boolean, graceMs = 2) {
  const b = new StreamsBuilder();
  const t = b
    .stream('in', { keySerde: str, valueSerde: Serdes.json<number>() })
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, graceMs))
    .count(Materialized.as('sessions'));
  (final ? t.suppress(Suppressed.untilWindowCloses()) : t)
    .toStream()
    .to('out', { keySerde: Serdes.windowed(str), valueSerde: Serdes.json<number | null>() });
  return b.build();
}

const show = (rs: { key: Windowed<string>; value: number | null }[]) =>
  rs.map((r) => `${r.key.key}[${r.key.window.start},${r.key.window.end}]=${r.value}`);

describe('session windows (test driver)', () => {
  it('merges two sessions bridged by a record and forwards tombstones for the merged ones', async () => {
    const d = new TopologyTestDriver(sessions(false, 15));
    await d.pipeInput('in', 'a', 0, 0);
    await d.pipeInput('in', 'a', 0, 20); // gap 10: a new session
    await d.pipeInput('in', 'a', 0, 10); // bridges both
    expect(show(await d.readOutput('out'))).toEqual([
      'a[0,0]=1',
      'a[20,20]=1',
      'a[0,0]=null',
      'a[20,20]=null',
      'a[0,20]=3',
    ]);
    expect([...d.getSessionStore<string, number>('sessions').all()].map((s) => s.window)).toEqual([
      { start: 0, end: 20 },
    ]);
    d.close();
  });

  it('emits one final result per session when stream time passes end + gap + grace, and sends later records to the late topic', async () => {
    const d = new TopologyTestDriver(sessions(true));
    await d.pipeInput('in', 'a', 0, 0);
    await d.pipeInput('in', 'a', 0, 5);
    await d.pipeInput('in', 'b', 0, 16); // a's session [0,5] closes at 17
    expect(await d.readOutput('out')).toEqual([]);
    await d.pipeInput('in', 'b', 0, 17);
    expect(show(await d.readOutput('out'))).toEqual(['a[0,5]=2']);
    await d.pipeInput('in', 'a', 0, 4); // would join [0,5], which is closed
    expect(d.readRawOutput(d.lateTopic).map((r) => r.headers['late.step'])).toEqual(['sessions']);
    await d.pipeInput('in', 'c', 0, 100);
    expect(show(await d.readOutput('out'))).toEqual(['b[16,17]=2']);
    d.close();
  });
});
