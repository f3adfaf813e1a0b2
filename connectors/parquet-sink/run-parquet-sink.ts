import { kafkaClientFrom, registryClientFrom } from '../../lib/clients/index.js';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { runWorker, type WorkerHandle } from '../../lib/runtime/worker.js';
import { createAvroDecoder } from '../../lib/serde/index.js';
import { type ArchiveReplicaSettings, type ArchiveSettings, archiveSettingsFrom } from './archive-settings.js';
import { createArchiveStore } from './create-archive-store.js';
import { startParquetSink } from './parquet-sink.js';
import { createDuckdbParquetWriter } from './parquet-writer.js';
import { createSchemaLayouts } from './schema-layouts.js';

export interface RunParquetSinkOptions extends ArchiveReplicaSettings {
  /** Pipeline YAML; default IOTP_CONFIG, else config/pipeline.yaml. */
  configFile?: string | undefined;
  env: Record<string, string | undefined>;
  /** Last-word overrides (CLI flags, tests). */
  override?(settings: ArchiveSettings): ArchiveSettings;
}

/**
 * `iotp sink parquet` as a function: settings from the pipeline YAML's `archive:` section, the Kafka
 * and registry clients from lib/clients, the worker's /metrics /healthz /readyz and a clean SIGTERM
 * shutdown (every open file written, offsets committed, group left).
 *
 * @example
 *   const handle = await runParquetSink({ env: loadStackEnv(), replicaId: 'archive-0' });
 *   await handle.stopped;
 */
export async function runParquetSink(run: RunParquetSinkOptions): Promise<WorkerHandle> {
  const config = loadPipelineConfig({ env: run.env, ...(run.configFile ? { file: run.configFile } : {}) });
  let settings = archiveSettingsFrom(config, run);
  if (run.override) settings = run.override(settings);
  const registry = registryClientFrom(config);
  const decoder = createAvroDecoder({ registry });
  const r = config.registry;
  const layouts = createSchemaLayouts({
    url: r.url,
    timeoutMs: r.timeout,
    ...(r.username && r.password ? { auth: { username: r.username, password: r.password } } : {}),
  });
  let handle: WorkerHandle | undefined;
  handle = await runWorker({
    component: 'archive-sink',
    port: settings.metricsPort,
    shutdownTimeoutMs: 60_000,
    start: async (ctx) => {
      const kafka = kafkaClientFrom(config, settings.replicaId, ctx.log.child({ client: 'kafka' }));
      const sink = await startParquetSink(settings, {
        kafka,
        store: createArchiveStore(settings),
        writer: await createDuckdbParquetWriter(),
        decode: (bytes) => decoder.decode(bytes),
        layouts,
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
