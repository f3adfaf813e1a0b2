import type { PipelineConfig } from '../../../lib/config/schema.js';
import { ConfigError } from '../../../lib/errors.js';
import type { Guarantee } from './task-runner.js';

/**
 * What a streams worker runs with: the pipeline config's `streams:` section and dead-letter topic,
 * for one application id, with the command line's guarantee and this replica's metrics port.
 */
export interface StreamsWorkerSettings {
  applicationId: string;
  guarantee: Guarantee;
  commitIntervalMs: number;
  idleTimeoutMs: number;
  /** Consumer session timeout; undefined: the client's default. */
  sessionTimeoutMs: number | undefined;
  lateTopic: string;
  dlqTopic: string;
  /** /metrics /healthz /readyz (0 = any free port). */
  metricsPort: number;
}

/** Command-line choices that win over the YAML. */
export interface StreamsWorkerOverrides {
  guarantee?: string | undefined;
  metricsPort?: number | undefined;
}

/**
 * The settings of a streams worker from the pipeline config (`streams:`, `kafka.topics.dlq`).
 *
 * @example
 *   streamsWorkerSettings(config, 'iotp-streams-aggregate', { metricsPort: 9400 }).commitIntervalMs; // 1000
 */
export function streamsWorkerSettings(
  config: Pick<PipelineConfig, 'streams' | 'kafka'>,
  applicationId: string,
  overrides: StreamsWorkerOverrides = {},
): StreamsWorkerSettings {
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(applicationId))
    throw new ConfigError('--application-id', `expected 1-200 characters of [A-Za-z0-9._-], got '${applicationId}'`);
  const guarantee = overrides.guarantee ?? config.streams.processingGuarantee;
  if (guarantee !== 'exactly_once' && guarantee !== 'at_least_once')
    throw new ConfigError('--guarantee', `expected exactly_once or at_least_once, got '${guarantee}'`);
  return {
    applicationId,
    guarantee,
    commitIntervalMs: config.streams.commitInterval,
    idleTimeoutMs: config.streams.idleTimeout,
    sessionTimeoutMs: config.streams.sessionTimeout,
    lateTopic: config.streams.lateTopic,
    dlqTopic: config.kafka.topics.dlq,
    metricsPort: overrides.metricsPort ?? 9400,
  };
}
