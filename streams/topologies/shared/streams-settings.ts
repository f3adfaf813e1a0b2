import type { LoadedPipelineConfig } from '../../../lib/config/index.js';
import { ConfigError } from '../../../lib/errors.js';
import { type StreamsWorkerSettings, streamsWorkerSettings } from '../../runtime/kafka/streams-worker-settings.js';

/** The topologies `iotp streams run` knows. */
export type TopologyName = 'aggregate' | 'detect' | 'enrich';

export const TOPOLOGY_NAMES: readonly TopologyName[] = ['aggregate', 'detect', 'enrich'];

/** Command-line overrides of the pipeline config. */
export interface StreamsRunOverrides {
  /** The whole application id (consumer group, changelog prefix); default `<streams.applicationId>-<topology>`. */
  applicationId?: string | undefined;
  guarantee?: string | undefined;
  /** This replica's /metrics port (the CLI resolves `--metrics-port` / METRICS_PORT); default 9400. */
  metricsPort?: number | undefined;
}

/**
 * Everything a topology worker runs with, from the pipeline config (`streams:` and `kafka.topics`)
 * and the command line (which wins).
 *
 * @example
 *   streamsRunSettings(config, 'aggregate', { guarantee: 'at_least_once' }).applicationId; // 'iotp-streams-aggregate'
 */
export interface StreamsRunSettings extends StreamsWorkerSettings {
  topology: TopologyName;
}

export function parseTopologyName(name: string): TopologyName {
  if ((TOPOLOGY_NAMES as readonly string[]).includes(name)) return name as TopologyName;
  throw new ConfigError('topology', `expected one of ${TOPOLOGY_NAMES.join(', ')}, got '${name}'`);
}

export function streamsRunSettings(
  config: LoadedPipelineConfig,
  topology: TopologyName,
  overrides: StreamsRunOverrides = {},
): StreamsRunSettings {
  const applicationId = overrides.applicationId ?? `${config.streams.applicationId}-${topology}`;
  return { topology, ...streamsWorkerSettings(config, applicationId, overrides) };
}
