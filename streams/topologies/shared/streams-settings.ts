import type { LoadedPipelineConfig } from '../../../lib/config/index.js';
import { ConfigError } from '../../../lib/errors.js';
import type { Guarantee } from '../../runtime/kafka/task-runner.js';

/** The two topologies `iotp streams run` knows. */
export type TopologyName = 'aggregate' | 'detect';

export const TOPOLOGY_NAMES: readonly TopologyName[] = ['aggregate', 'detect'];

/** Command-line overrides of the pipeline config. */
export interface StreamsRunOverrides {
  /** The whole application id (consumer group, changelog prefix); default `<streams.applicationId>-<topology>`. */
  applicationId?: string | undefined;
  guarantee?: string | undefined;
  metricsPort?: string | undefined;
}

/**
 * Everything a topology worker runs with, from the pipeline config (`streams:` and `kafka.topics`),
 * the environment (METRICS_PORT) and the command line (which wins).
 *
 * @example
 *   streamsRunSettings(config, 'aggregate', env, { guarantee: 'at_least_once' }).applicationId; // 'iotp-streams-aggregate'
 */
export interface StreamsRunSettings {
  topology: TopologyName;
  applicationId: string;
  guarantee: Guarantee;
  commitIntervalMs: number;
  idleTimeoutMs: number;
  lateTopic: string;
  dlqTopic: string;
  metricsPort: number;
}

export function parseTopologyName(name: string): TopologyName {
  if ((TOPOLOGY_NAMES as readonly string[]).includes(name)) return name as TopologyName;
  throw new ConfigError('topology', `expected one of ${TOPOLOGY_NAMES.join(', ')}, got '${name}'`);
}

export function streamsRunSettings(
  config: LoadedPipelineConfig,
  topology: TopologyName,
  env: Record<string, string | undefined>,
  overrides: StreamsRunOverrides = {},
): StreamsRunSettings {
  const applicationId = overrides.applicationId ?? `${config.streams.applicationId}-${topology}`;
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(applicationId))
    throw new ConfigError('--application-id', `expected 1-200 characters of [A-Za-z0-9._-], got '${applicationId}'`);
  const guarantee = overrides.guarantee ?? config.streams.processingGuarantee;
  if (guarantee !== 'exactly_once' && guarantee !== 'at_least_once')
    throw new ConfigError('--guarantee', `expected exactly_once or at_least_once, got '${guarantee}'`);
  const portText = overrides.metricsPort ?? env.METRICS_PORT ?? '9400';
  const metricsPort = Number(portText);
  if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65_535)
    throw new ConfigError(
      overrides.metricsPort !== undefined ? '--metrics-port' : 'METRICS_PORT',
      `expected a port number 0-65535 (0 = any free port), got '${portText}'`,
    );
  return {
    topology,
    applicationId,
    guarantee,
    commitIntervalMs: config.streams.commitInterval,
    idleTimeoutMs: config.streams.idleTimeout,
    lateTopic: config.streams.lateTopic,
    dlqTopic: config.kafka.topics.dlq,
    metricsPort,
  };
}
