import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import {
  enrichedStreams,
  fleetTopic,
  type LoadedPipelineConfig,
  schemaPath,
  windowName,
} from '../../../lib/config/index.js';
import { deviceSerde } from '../../../lib/devices/registry/index.js';
import { ConfigError, IotpError } from '../../../lib/errors.js';
import { loadSchemaFile, type SchemaRegistryClient } from '../../../lib/serde/index.js';
import type { Serde } from '../../runtime/serde.js';
import type { Topology } from '../../runtime/topology/topology.js';
import type { AggregateWindow } from '../aggregate/aggregate-topology.js';
import type { WindowResult } from '../aggregate/window-accumulator.js';
import { avroOutputSerde, avroReadingSerde } from '../shared/avro-serdes.js';
import type { TopologyMetrics } from '../shared/topology-metrics.js';
import { topologyRoute } from '../shared/topology-route.js';
import { deviceProfileSourceSerde } from './device-profile.js';
import { type EnrichRoute, enrichTopology } from './enrich-topology.js';
import type { FleetView } from './fleet-views.js';

/** The `component` of the enrich worker's logs and metrics. */
export const ENRICH_COMPONENT = 'streams-enrich';

/** The fleet views of the config for one reading topic (durations in ms). */
export function fleetViews(config: LoadedPipelineConfig, readingTopic: string): FleetView[] {
  return config.enrich.fleet.by.map((by) => ({
    by,
    windows: config.enrich.fleet.windows.map(
      (w): AggregateWindow => ({
        name: windowName(w),
        sizeMs: w.size,
        graceMs: w.grace,
        ...(w.hop !== undefined ? { hopMs: w.hop } : {}),
        ...(w.retention !== undefined ? { retentionMs: w.retention } : {}),
        topic: fleetTopic(readingTopic, by, w),
      }),
    ),
  }));
}

/** `iotp_enrich_records_total{type, registered}`: records the enrich topology wrote, by stream and registry hit. */
export function enrichedRecordsCounter(registry: Registry): Counter<'type' | 'registered'> {
  const name = 'iotp_enrich_records_total';
  return (
    (registry.getSingleMetric(name) as Counter<'type' | 'registered'> | undefined) ??
    new Counter({
      name,
      help: 'Records the enrich topology wrote to <topic>.enriched, by reading type (or anomalies) and whether the device registry held the device (registered=false: passed with empty enrichment)',
      labelNames: ['type', 'registered'],
      registers: [registry],
    })
  );
}

/**
 * The enrich topology of a pipeline config with Avro serdes on the registry: the device registry
 * (`devices.topic`) as a table; every reading route and (with `enrich.anomalies`) the anomaly topic
 * enriched to `<topic>.enriched` (schemas derived by lib/config/enriched-topics.ts, registered by
 * `iotp setup`); the fleet views of `enrich.fleet`. Refuses to build unless `enrich.enabled`.
 *
 * @example
 *   const topology = await buildEnrich(config, registryClientFrom(config), metrics, { counter, log });
 */
export async function buildEnrich(
  config: LoadedPipelineConfig,
  registry: SchemaRegistryClient,
  metrics: Pick<TopologyMetrics, 'endToEndSeconds' | 'duplicateReadings'> | undefined,
  options: { enriched?: Counter<'type' | 'registered'>; log?: Logger | undefined; percentiles?: boolean } = {},
): Promise<Topology> {
  if (!config.enrich.enabled)
    throw new ConfigError('enrich.enabled', 'expected true to run the enrich topology (and iotp setup after it)');
  const streams = enrichedStreams(config);
  const auto = config.registry.autoRegister;
  const enrichedSerdes = new Map<string, Serde<unknown>>();
  for (const s of streams)
    enrichedSerdes.set(s.enrichedTopic, await avroOutputSerde<unknown>(registry, s.enrichedTopic, s.schema, auto));
  const readers = new Map<string, Serde<unknown>>();
  for (const r of config.readingRoutes) readers.set(r.topic, avroReadingSerde(registry, r.schema));
  readers.set(config.kafka.topics.anomalies, avroReadingSerde(registry, config.outputSchemas.anomaly));
  const routes: EnrichRoute[] = config.readingRoutes.map((r) => ({
    route: topologyRoute(r),
    enrichedTopic: streams.find((s) => s.topic === r.topic)?.enrichedTopic ?? `${r.topic}.enriched`,
    views: fleetViews(config, r.topic),
  }));
  const results = new Map<string, Serde<WindowResult>>();
  for (const r of routes)
    for (const v of r.views)
      for (const w of v.windows)
        results.set(
          w.topic,
          await avroOutputSerde<WindowResult>(registry, w.topic, config.outputSchemas.windowResult, auto),
        );
  const devicesSchema = loadSchemaFile(
    schemaPath(config.devices.schema, config.source.baseDir, config.registry.schemasDir),
  );
  const devices = deviceSerde({ registry, schema: devicesSchema, topic: config.devices.topic });
  const anomalies = streams.find((s) => s.kind === 'anomaly');
  return enrichTopology({
    devicesTopic: config.devices.topic,
    deviceSerde: deviceProfileSourceSerde({ deserialize: (bytes) => devices.decode(required(bytes)) }),
    routes,
    ...(anomalies ? { anomalies: { topic: anomalies.topic, enrichedTopic: anomalies.enrichedTopic } } : {}),
    inputSerde: (topic) => readers.get(topic) as Serde<unknown>,
    enrichedSerde: (topic) => enrichedSerdes.get(topic) as Serde<unknown>,
    resultSerde: (topic) => results.get(topic) as Serde<WindowResult>,
    ...(options.percentiles !== undefined ? { percentiles: options.percentiles } : {}),
    dedupe: config.streams.dedupe,
    onDuplicate: (type, deviceId, ts) => {
      metrics?.duplicateReadings.inc({ type });
      options.log?.debug({ type, deviceId, ts }, 'duplicate reading dropped before the fleet views');
    },
    ...(options.enriched
      ? {
          onEnriched: (type: string, registered: boolean) =>
            options.enriched?.inc({ type, registered: String(registered) }),
        }
      : {}),
    ...(metrics
      ? {
          onResult: (r: WindowResult, now: number) =>
            metrics.endToEndSeconds.observe(Math.max(0, now - r.windowEnd) / 1000),
        }
      : {}),
  });
}

/** The table source never gives a tombstone to its serde; a null here is a runtime bug. */
function required(bytes: Buffer | null): Buffer {
  if (bytes === null) throw new IotpError('ENRICH_TOMBSTONE', 'a registry tombstone reached the record serde');
  return bytes;
}
