import { kafkaClientFrom, registryClientFrom } from '../../lib/clients/index.js';
import { type LoadedPipelineConfig, loadPipelineConfig } from '../../lib/config/index.js';
import { registryViewFrom } from '../../lib/devices/registry/index.js';
import { runWorker, type WorkerHandle } from '../../lib/runtime/worker.js';
import type { LocalSchema } from '../../lib/serde/index.js';
import { startMqttSource } from './connector.js';
import { mqttSourceOptionsFromPipeline, type ReplicaSettings } from './options-from-pipeline.js';

export interface RunMqttSourceOptions extends ReplicaSettings {
  /** Pipeline YAML; default IOTP_CONFIG, else config/pipeline.yaml. */
  configFile?: string;
  env: Record<string, string | undefined>;
}

/** The schemas the connector needs, by the names the routes use: readings, events and device status. */
export function pipelineSchemas(config: LoadedPipelineConfig): Map<string, LocalSchema> {
  const out = new Map<string, LocalSchema>();
  for (const r of [...config.readingRoutes, ...config.eventRoutes]) out.set(r.schemaName, r.schema);
  out.set(config.registry.schemas.deviceStatus, config.outputSchemas.deviceStatus);
  return out;
}

/**
 * `iotp connect mqtt-source` as a function: the pipeline config, the Kafka client and the registry
 * from it, the worker's /metrics /healthz /readyz and clean SIGTERM shutdown.
 *
 * @example
 *   const handle = await runMqttSource({ env: loadStackEnv(), replica: 'a' });
 *   await handle.stopped;
 */
export async function runMqttSource(run: RunMqttSourceOptions): Promise<WorkerHandle> {
  const config = loadPipelineConfig({ file: run.configFile, env: run.env });
  const options = mqttSourceOptionsFromPipeline(config, run);
  const kafka = kafkaClientFrom(config, options.mqtt.clientId);
  const registry = registryClientFrom(config);
  return runWorker({
    component: 'mqtt-source',
    port: options.metricsPort,
    start: async (ctx) => {
      // Read to its end before the first MQTT message, then followed live (docs/DEVICES.md).
      const devices = await registryViewFrom(config, {
        kafka,
        log: ctx.log,
        clientId: options.mqtt.clientId,
        registry,
      });
      const source = await startMqttSource(options, {
        kafka,
        registry,
        ...(devices ? { devices } : {}),
        schemas: pipelineSchemas(config),
        metrics: ctx.registry,
        log: ctx.log,
        setReady: ctx.setReady,
      });
      return {
        stop: async () => {
          await source.stop();
          await devices?.close();
        },
      };
    },
  });
}
