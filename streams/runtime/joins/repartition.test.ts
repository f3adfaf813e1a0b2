import { describe, expect, it } from 'vitest';
import { TopologyTestDriver } from '../../test-utils/topology-test-driver.js';
import { Repartitioned } from '../dsl/repartitioned.js';
import { StreamsBuilder } from '../dsl/streams-builder.js';
import { Materialized } from '../materialized.js';
import { Serdes } from '../serde.js';

const str = Serdes.string();
interface Reading {
  site: string;
  v: number;
}
const reading = Serdes.json<Reading>();

function bySite() {
  const b = new StreamsBuilder();
  b.stream('readings', { keySerde: str, valueSerde: reading }, 'readings')
    .groupBy((_device, r) => r.site, { keySerde: str, valueSerde: reading })
    .count(Materialized.as<string, number>('count-by-site').withRetention(86_400_000))
    .toStream()
    .to('counts', { keySerde: str, valueSerde: Serdes.float64() });
  return b.build();
}

describe('repartitioning (selectKey / groupBy / repartition)', () => {
  it('groupBy a new key writes <application.id>-<store>-repartition and aggregates by the new key', async () => {
    const d = new TopologyTestDriver(bySite(), { applicationId: 'agg' });
    await d.pipeInput('readings', 'dev-1', { site: 'north', v: 1 }, 1);
    await d.pipeInput('readings', 'dev-2', { site: 'north', v: 2 }, 2);
    await d.pipeInput('readings', 'dev-3', { site: 'south', v: 3 }, 3);
    expect(d.producedTo('agg-count-by-site-repartition').map((r) => r.key?.toString())).toEqual([
      'north',
      'north',
      'south',
    ]);
    expect((await d.readOutput<string, number>('counts')).map((r) => `${r.key}=${r.value}@${r.timestamp}`)).toEqual([
      'north=1@1',
      'north=2@2',
      'south=1@3',
    ]);
    expect(d.getKeyValueStore<string, number>('count-by-site').get('north')).toBe(2);
    d.close();
  });

  it('describe() names the repartition topic and its source and sink steps', () => {
    const text = bySite().describe('agg');
    expect(text).toContain('Sink: count-by-site-repartition-sink (topic: count-by-site-repartition)');
    expect(text).toContain('Source: count-by-site-repartition-source (topics: [count-by-site-repartition])');
    expect(text).toContain('agg-count-by-site-repartition (partitions: as the writing sub-topology)');
    expect(bySite().resolveInternalTopics('agg').sourceTopics()).toEqual(['readings', 'agg-count-by-site-repartition']);
  });

  it('Grouped names the repartition topic; groupByKey without a key change reads no repartition topic', () => {
    const b = new StreamsBuilder();
    const s = b.stream('readings', { keySerde: str, valueSerde: reading }, 'readings');
    s.groupBy((_k, r) => r.site, { name: 'by-site', keySerde: str, valueSerde: reading }).count(
      Materialized.as<string, number>('n1').withRetention(1_000),
    );
    s.groupByKey().count(Materialized.as<string, number>('n2').withRetention(1_000));
    s.mapValues((r) => r.v)
      .groupByKey()
      .count(Materialized.as<string, number>('n3').withRetention(1_000));
    const t = b.build();
    expect(t.internalTopics().map((x) => x.topic)).toEqual(['by-site-repartition']);
  });

  it('map and selectKey mark a key change; filter and mapValues keep it; a repartition needs serdes', () => {
    const b = new StreamsBuilder();
    const s = b.stream('readings', { keySerde: str, valueSerde: reading }, 'readings');
    expect(s.repartitionRequired).toBe(false);
    expect(s.map((k, v) => [k, v] as const).repartitionRequired).toBe(true);
    const keyed = s.selectKey((_k, v) => v.site);
    expect(keyed.filter(() => true).mapValues((v) => v.v).repartitionRequired).toBe(true);
    const noSerde = s.map((k, v) => [k, v.v] as const).groupByKey({ keySerde: str }); // no value serde
    expect(() => noSerde.count(Materialized.as<string, number>('c').withRetention(1_000))).toThrow(
      /repartition.c.serdes/,
    );
  });

  it('results are exact across a restart between the repartition write and its read', async () => {
    const d = new TopologyTestDriver(bySite(), { applicationId: 'agg' });
    for (let i = 0; i < 10; i++) await d.pipeInput('readings', `dev-${i}`, { site: i % 2 ? 'odd' : 'even', v: i }, i);
    d.restart();
    await d.pipeInput('readings', 'dev-x', { site: 'odd', v: 0 }, 20);
    const last = new Map((await d.readOutput<string, number>('counts')).map((r) => [r.key, r.value]));
    expect(Object.fromEntries(last)).toEqual({ even: 5, odd: 6 });
    d.close();
  });

  it('explicit repartition: Repartitioned names the topic and chooses its partition count', async () => {
    const b = new StreamsBuilder();
    b.stream('readings', { keySerde: str, valueSerde: reading }, 'readings')
      .selectKey((_k, r) => r.site, 'site-key')
      .repartition(Repartitioned.as<string, Reading>('by-site').withNumberOfPartitions(6).withKeySerde(str))
      .mapValues((r) => r.v)
      .to('out', { keySerde: str, valueSerde: Serdes.float64() });
    const t = b.build();
    expect(t.internalTopics()).toEqual([{ topic: 'by-site-repartition', name: 'by-site', partitions: 6 }]);
    const d = new TopologyTestDriver(t);
    await d.pipeInput('readings', 'dev-1', { site: 'north', v: 7 }, 1);
    expect((await d.readOutput<string, number>('out')).map((r) => `${r.key}=${r.value}`)).toEqual(['north=7']);
    d.close();
  });

  it('a join after a key change repartitions the stream side (<join name>-repartition)', async () => {
    const b = new StreamsBuilder();
    const sites = b.table('sites', { keySerde: str, valueSerde: Serdes.json<string>() }, Materialized.as('sites'));
    b.stream('readings', { keySerde: str, valueSerde: reading }, 'readings')
      .selectKey((_k, r) => r.site, 'site-key', str)
      .join(sites, (r, region) => `${r.v}@${region}`, 'with-region')
      .to('out', { keySerde: str, valueSerde: Serdes.json<string>() });
    const t = b.build();
    expect(t.internalTopics().map((x) => x.topic)).toEqual(['with-region-repartition']);
    const d = new TopologyTestDriver(t);
    await d.pipeInput('sites', 'north', 'eu', 1);
    await d.pipeInput('readings', 'dev-1', { site: 'north', v: 7 }, 2);
    expect((await d.readOutput<string, string>('out')).map((r) => `${r.key}=${r.value}`)).toEqual(['north=7@eu']);
    d.close();
  });
});
