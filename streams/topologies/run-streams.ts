import { loadPipelineConfig } from '../../lib/config/index.js';
import { IotpError } from '../../lib/errors.js';
import type { WorkerHandle } from '../../lib/runtime/worker.js';
import { registryFromConfig } from '../../lib/serde/registry-from-config.js';
import { buildAggregate } from './aggregate/aggregate-worker.js';
import { runTopologyWorker } from './shared/run-topology-worker.js';
import { type StreamsRunOverrides, streamsRunSettings, type TopologyName } from './shared/streams-settings.js';

export interface RunStreamsOptions {
  topology: TopologyName;
  /** Pipeline YAML; default IOTP_CONFIG, else config/pipeline.yaml. */
  configFile?: string | undefined;
  env: Record<string, string | undefined>;
  overrides?: StreamsRunOverrides;
  sasl?: boolean;
}

/**
 * `iotp streams run <aggregate|detect>` as a function: the pipeline config, the registry, the
 * topology, and the worker around it (metrics, health, SIGTERM).
 *
 * @example
 *   const handle = await runStreams({ topology: 'aggregate', env: loadStackEnv() });
 *   await handle.stopped;
 */
export async function runStreams(options: RunStreamsOptions): Promise<WorkerHandle> {
  const config = loadPipelineConfig({ env: options.env, ...(options.configFile ? { file: options.configFile } : {}) });
  const settings = streamsRunSettings(config, options.topology, options.env, options.overrides);
  const registry = registryFromConfig(config);
  return runTopologyWorker({
    settings,
    env: options.env,
    sasl: options.sasl === true,
    build: async (metrics, log) => {
      if (options.topology === 'aggregate') return buildAggregate(config, registry, metrics);
      const { buildDetect } = await import('./detect/detect-worker.js').catch((cause: unknown) => {
        throw new IotpError('STREAMS_TOPOLOGY_MISSING', `the detect topology is not available: ${String(cause)}`);
      });
      return buildDetect(config, registry, metrics, log);
    },
  });
}
