import { StreamsBuilder } from '../../dsl/streams-builder.js';
import { Materialized } from '../../materialized.js';
import { type Serde, Serdes } from '../../serde.js';
import type { Topology } from '../../topology/topology.js';

/** A device row of the test registry (JSON). */
export interface DeviceRow {
  site: string;
}

/** An enriched reading as the test topology writes it (JSON). */
export interface EnrichedReading {
  value: number;
  site: string | null;
}

/**
 * The stream-table join of the real-stack tests and the benchmark: readings (`{ value }` JSON, keyed
 * by device) left-joined with a device table (`{ site }` JSON, compacted topic) into
 * `{ value, site }` (site null for an unknown device).
 */
export function enrichTopology(topics: {
  readings: string;
  devices: string;
  output: string;
  /** Input value serdes (default JSON); the benchmark wraps them to note the first record read. */
  readingSerde?: Serde<{ value: number }>;
  deviceSerde?: Serde<DeviceRow>;
}): Topology {
  const b = new StreamsBuilder();
  const devices = b.table(
    topics.devices,
    { keySerde: Serdes.string(), valueSerde: topics.deviceSerde ?? Serdes.json<DeviceRow>() },
    Materialized.as<string, DeviceRow>('devices').withValueSerde(Serdes.json<DeviceRow>()),
  );
  b.stream(
    topics.readings,
    { keySerde: Serdes.string(), valueSerde: topics.readingSerde ?? Serdes.json<{ value: number }>() },
    'readings',
  )
    .leftJoin(devices, (r, d): EnrichedReading => ({ value: r.value, site: d?.site ?? null }), 'enrich')
    .to(topics.output, { keySerde: Serdes.string(), valueSerde: Serdes.json<EnrichedReading>(), name: 'write' });
  return b.build();
}
