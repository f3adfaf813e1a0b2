import type { Logger } from 'pino';
import type { LoadedPipelineConfig } from '../../../lib/config/index.js';
import { windowName, windowTopic } from '../../../lib/config/index.js';
import type { SchemaRegistryClient } from '../../../lib/serde/index.js';
import type { Serde } from '../../runtime/serde.js';
import type { Topology } from '../../runtime/topology/topology.js';
import { avroOutputSerde, avroReadingSerde } from '../shared/avro-serdes.js';
import type { TopologyMetrics } from '../shared/topology-metrics.js';
import { topologyRoute } from '../shared/topology-route.js';
import { type AggregateWindow, aggregateTopology, dedupeHorizonMs } from './aggregate-topology.js';
import type { WindowResult } from './window-accumulator.js';

/** The windows of the config for one reading topic (durations already in ms). */
export function aggregateWindows(config: LoadedPipelineConfig, readingTopic: string): AggregateWindow[] {
  return config.streams.windows.map((w) => ({
    name: windowName(w),
    sizeMs: w.size,
    graceMs: w.grace,
    ...(w.hop !== undefined ? { hopMs: w.hop } : {}),
    ...(w.retention !== undefined ? { retentionMs: w.retention } : {}),
    topic: windowTopic(readingTopic, w),
  }));
}

/** The dedupe horizon of the config's windows (largest size + grace); undefined if `streams.dedupe` is off. */
export function configDedupeHorizonMs(config: LoadedPipelineConfig): number | undefined {
  if (!config.streams.dedupe) return undefined;
  return dedupeHorizonMs(config.streams.windows.map((w) => ({ sizeMs: w.size, graceMs: w.grace })));
}

/**
 * The aggregate topology of a pipeline config, with Avro serdes on the registry: every reading
 * route x every `streams.windows` entry -> `<reading topic>.agg.<window>`. Output schemas must be
 * registered (`iotp setup`) unless `registry.autoRegister` is on.
 *
 * @example
 *   const topology = await buildAggregate(loadPipelineConfig({ env }), registryFromConfig(config), metrics, { log });
 */
export async function buildAggregate(
  config: LoadedPipelineConfig,
  registry: SchemaRegistryClient,
  metrics: Pick<TopologyMetrics, 'endToEndSeconds' | 'duplicateReadings'> | undefined,
  options: { percentiles?: boolean; log?: Logger | undefined } = {},
): Promise<Topology> {
  const routes = config.readingRoutes.map((r) => ({
    source: r,
    route: topologyRoute(r),
    windows: aggregateWindows(config, r.topic),
  }));
  const outputs = new Map<string, Serde<WindowResult>>();
  for (const { windows } of routes)
    for (const w of windows)
      outputs.set(
        w.topic,
        await avroOutputSerde<WindowResult>(
          registry,
          w.topic,
          config.outputSchemas.windowResult,
          config.registry.autoRegister,
        ),
      );
  const readers = new Map(routes.map((r) => [r.route.type, avroReadingSerde(registry, r.source.schema)]));
  return aggregateTopology({
    routes: routes.map(({ route, windows }) => ({ route, windows })),
    readingSerde: (route) => readers.get(route.type) as Serde<unknown>,
    resultSerde: (topic) => outputs.get(topic) as Serde<WindowResult>,
    ...(options.percentiles !== undefined ? { percentiles: options.percentiles } : {}),
    dedupe: config.streams.dedupe,
    onDuplicate: (type: string, deviceId: string, ts: number) => {
      metrics?.duplicateReadings.inc({ type });
      options.log?.debug({ type, deviceId, ts }, 'duplicate reading dropped');
    },
    ...(metrics
      ? {
          onResult: (r: WindowResult, now: number) =>
            metrics.endToEndSeconds.observe(Math.max(0, now - r.windowEnd) / 1000),
        }
      : {}),
  });
}
