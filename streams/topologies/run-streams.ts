import { kafkaClientFrom, registryClientFrom } from '../../lib/clients/index.js';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { IotpError } from '../../lib/errors.js';
import { COMPONENT } from '../../lib/runtime/metric-names.js';
import type { WorkerHandle } from '../../lib/runtime/worker.js';
import { runStreamsWorker } from '../runtime/kafka/run-streams-worker.js';
import { buildAggregate } from './aggregate/aggregate-worker.js';
import { type StreamsRunOverrides, streamsRunSettings, type TopologyName } from './shared/streams-settings.js';
import { topologyMetrics } from './shared/topology-metrics.js';

export interface RunStreamsOptions {
  topology: TopologyName;
  /** Pipeline YAML; default IOTP_CONFIG, else config/pipeline.yaml. */
  configFile?: string | undefined;
  /** Fills the YAML: `${VAR}` references and `IOTP_<SECTION>__<KEY>` overrides. */
  env: Record<string, string | undefined>;
  overrides?: StreamsRunOverrides;
}

/**
 * `iotp streams run <aggregate|detect|enrich>` as a function: the pipeline config, the Kafka and registry
 * clients from it (lib/clients: TLS and SASL of `kafka:` included), the topology, and the one
 * streams launcher around it (metrics, health, SIGTERM).
 *
 * @example
 *   const handle = await runStreams({ topology: 'aggregate', env: loadStackEnv() });
 *   await handle.stopped;
 */
export async function runStreams(options: RunStreamsOptions): Promise<WorkerHandle> {
  const config = loadPipelineConfig({ env: options.env, ...(options.configFile ? { file: options.configFile } : {}) });
  const settings = streamsRunSettings(config, options.topology, options.overrides);
  const registry = registryClientFrom(config);
  return runStreamsWorker({
    component: componentOf(options.topology),
    settings,
    client: (log) => kafkaClientFrom(config, settings.applicationId, log),
    build: async (metricsRegistry, log) => {
      const metrics = topologyMetrics(metricsRegistry);
      if (options.topology === 'aggregate') return buildAggregate(config, registry, metrics, { log });
      if (options.topology === 'enrich') {
        const { buildEnrich, enrichedRecordsCounter } = await import('./enrich/enrich-worker.js');
        return buildEnrich(config, registry, metrics, { enriched: enrichedRecordsCounter(metricsRegistry), log });
      }
      const { buildDetect } = await import('./detect/detect-worker.js').catch((cause: unknown) => {
        throw new IotpError('STREAMS_TOPOLOGY_MISSING', `the detect topology is not available: ${String(cause)}`);
      });
      return buildDetect(config, registry, metrics, log);
    },
  });
}

function componentOf(topology: TopologyName): string {
  if (topology === 'aggregate') return COMPONENT.streamsAggregate;
  if (topology === 'detect') return COMPONENT.streamsDetect;
  return 'streams-enrich';
}
