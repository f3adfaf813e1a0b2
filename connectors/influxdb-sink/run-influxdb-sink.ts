import { kafkaClientFrom, registryClientFrom } from '../../lib/clients/index.js';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { registryViewFrom } from '../../lib/devices/registry/index.js';
import { runWorker, type WorkerHandle } from '../../lib/runtime/worker.js';
import { createAvroDecoder } from '../../lib/serde/index.js';
import { deviceTagsLookup } from './device-tags.js';
import { startInfluxdbSink } from './influxdb-sink.js';
import type { LineWriter } from './line-writer.js';
import { createPointMaker } from './point-maker.js';
import { ruleForTopic } from './route.js';
import { type SinkReplicaSettings, type SinkSettings, sinkSettingsFrom } from './sink-settings.js';
import { createV1Writer } from './writers/v1-writer.js';
import { createV2Writer } from './writers/v2-writer.js';

export interface RunInfluxdbSinkOptions extends SinkReplicaSettings {
  /** Pipeline YAML; default IOTP_CONFIG, else config/pipeline.yaml. */
  configFile?: string | undefined;
  /** Fills the YAML: `${VAR}` references and `IOTP_<SECTION>__<KEY>` overrides. */
  env: Record<string, string | undefined>;
  /** Last-word overrides (CLI flags, tests). */
  override?(settings: SinkSettings): SinkSettings;
}

export function createWriter(settings: SinkSettings): LineWriter {
  return settings.writer.api === 'v1' ? createV1Writer(settings.writer.v1) : createV2Writer(settings.writer.v2);
}

/**
 * `iotp sink influxdb` as a function: settings, Kafka client (backend, TLS, SASL) and registry client
 * (auth, retries, timeout) all from the pipeline YAML (lib/clients), the worker's /metrics /healthz
 * /readyz and a clean SIGTERM shutdown (last flush, commit, leave).
 *
 * @example
 *   const handle = await runInfluxdbSink({ env: loadStackEnv(), replicaId: 'sink-0' });
 *   await handle.stopped;
 */
export async function runInfluxdbSink(run: RunInfluxdbSinkOptions): Promise<WorkerHandle> {
  const config = loadPipelineConfig({ env: run.env, ...(run.configFile ? { file: run.configFile } : {}) });
  let settings = sinkSettingsFrom(config, run);
  if (run.override) settings = run.override(settings);
  const registry = registryClientFrom(config);
  const writer = createWriter(settings);
  let handle: WorkerHandle | undefined;
  handle = await runWorker({
    component: 'influxdb-sink',
    port: settings.metricsPort,
    shutdownTimeoutMs: settings.shutdownFlushMs + 20_000,
    start: async (ctx) => {
      const kafka = kafkaClientFrom(config, settings.replicaId, ctx.log.child({ client: 'kafka' }));
      // Read to its end before the first point, then followed live (docs/DEVICES.md).
      const devices = await registryViewFrom(config, { kafka, log: ctx.log, clientId: settings.replicaId, registry });
      const pointMaker = createPointMaker({
        decoder: createAvroDecoder({ registry }),
        schemaOf: (id) => registry.schemaById(id),
        ruleFor: (topic) =>
          ruleForTopic(topic, { prefix: settings.mapping.prefix, extraTags: settings.mapping.extraTags }),
        staticTags: settings.mapping.staticTags,
        ...(devices ? { deviceTags: deviceTagsLookup(devices, ctx.log) } : {}),
      });
      const sink = await startInfluxdbSink(settings, {
        kafka,
        writer,
        pointMaker,
        registry: ctx.registry,
        log: ctx.log,
        setReady: ctx.setReady,
        onFatal: () => {
          process.exitCode = 1;
          void handle?.shutdown('fatal');
        },
      }).catch(async (error: unknown) => {
        await devices?.close();
        throw error;
      });
      const stop = async () => {
        await sink.stop();
        await devices?.close();
      };
      // A SIGTERM that came while starting (joining the group can take a session timeout) found
      // nothing to stop yet: stop now, or the process would go on running.
      if (ctx.signal.aborted) {
        await stop();
        return { stop: async () => undefined };
      }
      return { stop };
    },
  });
  return handle;
}
