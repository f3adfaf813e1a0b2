import { StreamsBuilder } from '../../runtime/dsl/streams-builder.js';
import { Materialized } from '../../runtime/materialized.js';
import { type Serde, Serdes } from '../../runtime/serde.js';
import type { Topology } from '../../runtime/topology/topology.js';
import { readingTime } from '../aggregate/aggregate-topology.js';
import type { WindowResult } from '../aggregate/window-accumulator.js';
import { readingValues } from '../shared/reading-values.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import { type DeviceProfile, deviceProfileStoreSerde } from './device-profile.js';
import { type Enriched, enrichRecord } from './enrich-record.js';
import { addFleetViews, type FleetReading, type FleetView } from './fleet-views.js';

/** The store (and step) of the device table: `devices` (changelog `<app>-devices-changelog`). */
export const DEVICE_TABLE = 'devices';

/** One reading route of the enrich topology. */
export interface EnrichRoute {
  route: TopologyRoute;
  /** `<reading topic>.enriched`. */
  enrichedTopic: string;
  /** Per-site / per-model window results of this route (none: no fleet view). */
  views: readonly FleetView[];
}

export interface EnrichTopologyOptions {
  /** The device registry (compacted; key deviceId), read as a table. */
  devicesTopic: string;
  /** Reads a registry record into its profile (a null value, a tombstone, never reaches it). */
  deviceSerde: Serde<DeviceProfile>;
  routes: readonly EnrichRoute[];
  /** Anomalies to enrich too (key deviceId, event time `ts`); omit for none. */
  anomalies?: { topic: string; enrichedTopic: string };
  /** Reads a record of a reading topic or the anomaly topic (Avro in production). */
  inputSerde(topic: string): Serde<unknown>;
  /** Writes an enriched record to `topic` (Avro, the derived `<topic>-value` schema, in production). */
  enrichedSerde(topic: string): Serde<unknown>;
  /** Writes a fleet view's window result to `topic`. */
  resultSerde(topic: string): Serde<WindowResult>;
  /** Keep p50/p95/p99 sketches in the fleet views (default true). */
  percentiles?: boolean;
  /** Drop copies of a reading before the fleet views (default true; the horizon is the views' largest size + grace). */
  dedupe?: boolean;
  onDuplicate?(type: string, deviceId: string, ts: number): void;
  /** Called for each enriched record: its stream (reading type or 'anomalies') and whether the registry held the device. */
  onEnriched?(type: string, registered: boolean): void;
  onResult?(result: WindowResult, wallClockMs: number): void;
}

/**
 * The enrich topology: the device registry as a KTable (store `devices`, key deviceId, a tombstone
 * deletes the row), and every reading route (and the anomaly topic) left-joined with it by the
 * record key, deviceId (`<type>-enrich`): the record with the device's model, firmware and tags,
 * and the registry's site, to `<topic>.enriched`. A record of a device the registry does not hold
 * (yet) passes with empty enrichment (left join). The table is updated in place: a record sees the
 * row current when it is processed (non-versioned, as Kafka Streams' KTable).
 * Per route, the fleet views (fleet-views.ts) aggregate the enriched readings by site and model.
 * Every topic read here must be co-partitioned with the registry (`iotp setup` creates them so).
 *
 * @example
 *   const t = enrichTopology({ devicesTopic: 'telemetry.devices', deviceSerde, routes: [{ route, enrichedTopic: 'telemetry.environment.enriched', views: [] }],
 *     inputSerde, enrichedSerde, resultSerde });
 */
export function enrichTopology(options: EnrichTopologyOptions): Topology {
  const builder = new StreamsBuilder();
  const devices = builder.table<string, DeviceProfile>(
    options.devicesTopic,
    { keySerde: Serdes.string(), valueSerde: options.deviceSerde },
    Materialized.as<string, DeviceProfile>(DEVICE_TABLE)
      .withKeySerde(Serdes.string())
      .withValueSerde(deviceProfileStoreSerde),
  );
  const percentiles = options.percentiles ?? true;
  const horizonMs = dedupeHorizon(options.routes);
  for (const { route, enrichedTopic, views } of options.routes) {
    const enriched = builder
      .stream<string, object>(
        route.topic,
        {
          keySerde: Serdes.string(),
          valueSerde: options.inputSerde(route.topic) as Serde<object>,
          timestampExtractor: (_raw, v) => readingTime(v, route.timeField),
        },
        `${route.type}-readings`,
      )
      .leftJoin(devices, joiner(route.type, options.onEnriched), `${route.type}-enrich`);
    enriched.to(enrichedTopic, {
      keySerde: Serdes.string(),
      valueSerde: options.enrichedSerde(enrichedTopic) as Serde<Enriched<object>>,
      name: `${route.type}-enriched-out`,
    });
    addFleetViews(
      builder,
      enriched.mapValues(
        (v): FleetReading => ({ reading: readingValues(v, route.fields, route.timeField), model: v.model }),
        `${route.type}-values`,
      ),
      {
        route,
        views,
        resultSerde: options.resultSerde,
        percentiles,
        dedupeHorizonMs: (options.dedupe ?? true) ? horizonMs : undefined,
        ...(options.onDuplicate ? { onDuplicate: options.onDuplicate } : {}),
        ...(options.onResult ? { onResult: options.onResult } : {}),
      },
    );
  }
  if (options.anomalies) {
    const { topic, enrichedTopic } = options.anomalies;
    builder
      .stream<string, object>(
        topic,
        {
          keySerde: Serdes.string(),
          valueSerde: options.inputSerde(topic) as Serde<object>,
          timestampExtractor: (_raw, v) => readingTime(v, 'ts'),
        },
        'anomalies-source',
      )
      .leftJoin(devices, joiner('anomalies', options.onEnriched), 'anomalies-enrich')
      .to(enrichedTopic, {
        keySerde: Serdes.string(),
        valueSerde: options.enrichedSerde(enrichedTopic) as Serde<Enriched<object>>,
        name: 'anomalies-enriched-out',
      });
  }
  return builder.build();
}

/** The left join's joiner, counting each record as registered or not. */
function joiner(
  type: string,
  onEnriched: EnrichTopologyOptions['onEnriched'],
): (value: object, profile: DeviceProfile | null) => Enriched<object> {
  return (value, profile) => {
    onEnriched?.(type, profile !== null);
    return enrichRecord(value, profile);
  };
}

/** The dedupe horizon of the fleet views: their largest size + grace (0 when there is none). */
function dedupeHorizon(routes: readonly EnrichRoute[]): number {
  const ws = routes.flatMap((r) => r.views.flatMap((v) => v.windows));
  return ws.length === 0 ? 0 : Math.max(...ws.map((w) => w.sizeMs + w.graceMs));
}
