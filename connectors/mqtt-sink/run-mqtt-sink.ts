import { kafkaClientFrom, registryClientFrom } from '../../lib/clients/index.js';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { runWorker, type WorkerHandle } from '../../lib/runtime/worker.js';
import { createAvroDecoder } from '../../lib/serde/index.js';
import type { Command } from '../../schemas/generated/command.js';
import { startMqttSink } from './mqtt-sink.js';
import { type MqttSinkReplicaSettings, type MqttSinkSettings, mqttSinkSettingsFrom } from './sink-settings.js';

export interface RunMqttSinkOptions extends MqttSinkReplicaSettings {
  /** Pipeline YAML; default IOTP_CONFIG, else config/pipeline.yaml. */
  configFile?: string | undefined;
  /** Fills the YAML: `${VAR}` references and `IOTP_<SECTION>__<KEY>` overrides. */
  env: Record<string, string | undefined>;
  /** Last-word overrides (tests). */
  override?(settings: MqttSinkSettings): MqttSinkSettings;
}

/**
 * `iotp connect mqtt-sink` as a function: settings from the pipeline YAML's `commands:` section,
 * the Kafka and registry clients from `kafka:`/`registry:` (lib/clients), the worker's /metrics
 * /healthz /readyz and a clean SIGTERM shutdown (finish the batch, commit, leave, disconnect).
 *
 * @example
 *   const handle = await runMqttSink({ env: loadStackEnv(), replica: 'a' });
 *   await handle.stopped;
 */
export async function runMqttSink(run: RunMqttSinkOptions): Promise<WorkerHandle> {
  const config = loadPipelineConfig({ env: run.env, ...(run.configFile ? { file: run.configFile } : {}) });
  let settings = mqttSinkSettingsFrom(config, run);
  if (run.override) settings = run.override(settings);
  const registry = registryClientFrom(config);
  const decoder = createAvroDecoder<Command>({ registry, reader: config.outputSchemas.command });
  let handle: WorkerHandle | undefined;
  handle = await runWorker({
    component: 'mqtt-sink',
    port: settings.metricsPort,
    shutdownTimeoutMs: settings.publishTimeoutMs + 20_000,
    start: async (ctx) => {
      const kafka = kafkaClientFrom(config, settings.replicaId, ctx.log.child({ client: 'kafka' }));
      const sink = await startMqttSink(settings, {
        kafka,
        decoder,
        registry: ctx.registry,
        log: ctx.log,
        setReady: ctx.setReady,
        onFatal: () => {
          process.exitCode = 1;
          void handle?.shutdown('fatal');
        },
      });
      if (ctx.signal.aborted) {
        await sink.stop();
        return { stop: async () => undefined };
      }
      return { stop: () => sink.stop() };
    },
  });
  return handle;
}
