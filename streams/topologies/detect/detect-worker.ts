import type { Logger } from 'pino';
import { kafkaClientFrom } from '../../../lib/clients/index.js';
import type { LoadedPipelineConfig } from '../../../lib/config/index.js';
import { registryViewFrom } from '../../../lib/devices/registry/index.js';
import { silentLogger } from '../../../lib/runtime/log.js';
import type { SchemaRegistryClient } from '../../../lib/serde/index.js';
import type { Command } from '../../../schemas/generated/command.js';
import { heartbeatConfig } from '../../detectors/index.js';
import type { Topology } from '../../runtime/topology/topology.js';
import { configDedupeHorizonMs } from '../aggregate/aggregate-worker.js';
import { avroOutputSerde, avroReadingSerde } from '../shared/avro-serdes.js';
import type { TopologyMetrics } from '../shared/topology-metrics.js';
import { type TopologyRoute, topologyRoute } from '../shared/topology-route.js';
import type { AnomalyRecord } from './anomaly-record.js';
import { detectTopology } from './detect-topology.js';
import type { DeviceSettings } from './device-settings.js';
import { type AnyDetector, detectorsForField } from './field-detectors.js';

/** Every route with its fields' detectors, as the `detectors:` section asks. */
export function detectRoutes(
  config: LoadedPipelineConfig,
): { route: TopologyRoute; detectors: ReadonlyMap<string, readonly AnyDetector[]> }[] {
  return config.readingRoutes.map((r) => {
    const route = topologyRoute(r);
    return {
      route,
      detectors: new Map(route.fields.map((f) => [f, detectorsForField(config.detectors, route, f)] as const)),
    };
  });
}

/**
 * The device registry's live view as the detect step's per-device settings, when `devices.enabled`
 * (read to its end before the topology starts, then followed); undefined otherwise. The view's
 * consumer lives as long as the process (a throwaway group, nothing committed).
 */
export async function detectDeviceSettings(
  config: LoadedPipelineConfig,
  registry: SchemaRegistryClient,
  log: Logger,
): Promise<DeviceSettings | undefined> {
  if (!config.devices.enabled) return undefined;
  const clientId = `${config.streams.applicationId}-detect`;
  const kafka = kafkaClientFrom(config, clientId, log.child({ client: 'kafka', component: 'device-registry' }));
  const view = await registryViewFrom(config, { kafka, log, clientId, registry });
  return view && { get: (deviceId) => view.get(deviceId) };
}

/**
 * The detect topology of a pipeline config, with Avro serdes on the registry: every reading route
 * plus `kafka.topics.deviceStatus` -> `kafka.topics.anomalies` (anomaly schema). With
 * `devices.enabled`, each device's limits and detector overrides from the registry (`devices`, by
 * default the live view: {@link detectDeviceSettings}).
 *
 * @example
 *   const topology = await buildDetect(config, registryFromConfig(config), metrics, log);
 */
export async function buildDetect(
  config: LoadedPipelineConfig,
  registry: SchemaRegistryClient,
  metrics: Pick<TopologyMetrics, 'anomalies' | 'endToEndSeconds' | 'stateEvictions' | 'duplicateReadings'> | undefined,
  log: Logger | undefined,
  devices?: DeviceSettings,
): Promise<Topology> {
  const settings = devices ?? (await detectDeviceSettings(config, registry, log ?? silentLogger()));
  const routes = detectRoutes(config);
  const readers = new Map(config.readingRoutes.map((r) => [r.type, avroReadingSerde(registry, r.schema)]));
  const anomaliesTopic = config.kafka.topics.anomalies;
  const anomalySerde = await avroOutputSerde<AnomalyRecord>(
    registry,
    anomaliesTopic,
    config.outputSchemas.anomaly,
    config.registry.autoRegister,
  );
  const rule = config.commands.stuckRecalibrate;
  const commands = rule.enabled
    ? {
        topic: config.commands.topic,
        serde: await avroOutputSerde<Command>(
          registry,
          config.commands.topic,
          config.outputSchemas.command,
          config.registry.autoRegister,
        ),
        rule: { command: rule.command, expiryMs: rule.expiry },
      }
    : undefined;
  const missing = config.detectors.missing;
  log?.info(
    {
      detectors: Object.fromEntries(
        routes.map((r) => [
          r.route.type,
          Object.fromEntries([...r.detectors].map(([f, ds]) => [f, ds.map((d) => d.name)])),
        ]),
      ),
      missing: missing.enabled,
      stuckRecalibrate: rule.enabled ? `${rule.command} -> ${config.commands.topic}` : 'off',
      deviceSettings: settings ? 'device registry' : 'off',
    },
    'detectors per field',
  );
  return detectTopology({
    routes,
    readingSerde: (route) => readers.get(route.type) as NonNullable<ReturnType<typeof readers.get>>,
    status: {
      topic: config.kafka.topics.deviceStatus,
      serde: avroReadingSerde(registry, config.outputSchemas.deviceStatus),
    },
    anomaliesTopic,
    anomalySerde,
    heartbeat: missing.enabled ? heartbeatConfig(config.detectors) : undefined,
    checkIntervalMs: missing.checkInterval,
    stateRetentionMs: config.detectors.defaults.stateRetention,
    snapshotEvery: config.detectors.defaults.snapshotEvery,
    cooldownMs: config.detectors.defaults.cooldown,
    maxDeviceStates: config.detectors.defaults.maxDeviceStates,
    ...(config.streams.dedupe ? { dedupeHorizonMs: configDedupeHorizonMs(config) } : {}),
    ...(commands ? { commands } : {}),
    ...(settings
      ? {
          devices: {
            settings,
            section: config.detectors,
            onProblems: (deviceId: string, problems: readonly string[]) =>
              log?.warn({ deviceId, problems }, "device registry settings left out; the pipeline's apply there"),
          },
        }
      : {}),
    onDuplicate: (type: string, deviceId: string, ts: number) => {
      metrics?.duplicateReadings.inc({ type });
      log?.debug({ type, deviceId, ts }, 'duplicate reading dropped');
    },
    ...(metrics
      ? {
          onStateEvicted: (store: string) => metrics.stateEvictions.inc({ store }),
          onAnomaly: (a: AnomalyRecord, now: number) => {
            metrics.anomalies.inc({ kind: a.kind, detector: a.detector });
            if (a.kind !== 'MISSING') metrics.endToEndSeconds.observe(Math.max(0, now - a.ts) / 1000);
          },
        }
      : {}),
  });
}
