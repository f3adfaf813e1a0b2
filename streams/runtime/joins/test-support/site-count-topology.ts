import { StreamsBuilder } from '../../dsl/streams-builder.js';
import { Materialized } from '../../materialized.js';
import { Serdes } from '../../serde.js';
import type { Topology } from '../../topology/topology.js';

/** The running total of one site, as the test topology writes it (JSON). */
export interface SiteTotal {
  count: number;
  sum: number;
}

/** The site of a test device `dev-<n>`: `site-<n mod sites>`. */
export function siteOf(deviceId: string, sites: number): string {
  return `site-${Number(deviceId.slice(4)) % sites}`;
}

/**
 * Readings (`{ value }` JSON keyed by device) grouped by a new key, their site, through the
 * repartition topic `<application.id>-site-totals-repartition`, and summed per site (count, sum):
 * every reading emits its site's new total.
 */
export function siteCountTopology(topics: { input: string; output: string; sites: number }): Topology {
  const b = new StreamsBuilder();
  const json = Serdes.json<{ value: number }>();
  b.stream(topics.input, { keySerde: Serdes.string(), valueSerde: json }, 'readings')
    .groupBy((device) => siteOf(device, topics.sites), { keySerde: Serdes.string(), valueSerde: json })
    .aggregate(
      (): SiteTotal => ({ count: 0, sum: 0 }),
      (_site, r, t) => ({ count: t.count + 1, sum: t.sum + r.value }),
      Materialized.as<string, SiteTotal>('site-totals').withRetention(7 * 86_400_000),
    )
    .toStream()
    .to(topics.output, { keySerde: Serdes.string(), valueSerde: Serdes.json<SiteTotal>(), name: 'write' });
  return b.build();
}
