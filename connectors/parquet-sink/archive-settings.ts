import { hostname } from 'node:os';
import { type LoadedPipelineConfig, windowTopic } from '../../lib/config/index.js';
import type { ArchiveStorage } from '../../lib/config/sections/archive.js';
import { ConfigError } from '../../lib/errors.js';
import type { ParquetFileOptions } from './parquet-writer.js';
import type { RotationLimits } from './rotation.js';

/**
 * Everything one archive worker needs, from the pipeline config's `archive:` and `kafka:` sections
 * and the replica's own id and metrics port. Pure: tested without servers.
 *
 * @example
 *   archiveSettingsFrom(loadPipelineConfig({ env }), { replicaId: 'archive-0' }).topics
 *   // ['telemetry.environment', 'telemetry.power']
 */
export interface ArchiveSettings {
  replicaId: string;
  groupId: string;
  topics: string[];
  dlqTopic: string;
  /** Archive folder (absolute or relative to the current directory); with S3 storage, the local folder of temp files. */
  root: string;
  /** Where published files go: the root folder or an S3 bucket (`archive.storage`). */
  storage: ArchiveStorage;
  file: Pick<ParquetFileOptions, 'compression' | 'rowGroupSize'>;
  rotation: RotationLimits;
  maxBufferedRecords: number;
  metricsPort: number;
  sessionTimeoutMs: number;
  lagIntervalMs: number;
  /** Retries of a retriable decoding failure (registry down) before the worker stops. */
  maxRetries: number;
}

export interface ArchiveReplicaSettings {
  replicaId?: string | undefined;
  /** Port of /metrics /healthz /readyz (0 = any free port); default 9500. */
  metricsPort?: number | undefined;
}

export function archiveSettingsFrom(
  config: LoadedPipelineConfig,
  replica: ArchiveReplicaSettings = {},
): ArchiveSettings {
  const a = config.archive;
  const readingTopics = config.readingRoutes.map((r) => r.topic);
  const defaults = [
    ...readingTopics,
    ...(a.includeAggregates ? readingTopics.flatMap((t) => config.streams.windows.map((w) => windowTopic(t, w))) : []),
    ...(a.includeAnomalies ? [config.kafka.topics.anomalies] : []),
  ];
  const topics = [...new Set(a.topics ?? defaults)];
  if (topics.includes(config.kafka.topics.dlq))
    throw new ConfigError(
      'archive.topics',
      `expected topics other than the dead-letter topic ${config.kafka.topics.dlq}`,
    );
  return {
    replicaId: replica.replicaId || `archive-sink-${hostname()}-${process.pid}`,
    groupId: a.groupId,
    topics,
    dlqTopic: config.kafka.topics.dlq,
    root: a.root,
    storage: a.storage,
    file: { compression: a.compression, rowGroupSize: a.rowGroupSize },
    rotation: { maxRecords: a.rotation.maxRecords, maxBytes: a.rotation.maxBytes, intervalMs: a.rotation.interval },
    maxBufferedRecords: a.maxBufferedRecords,
    metricsPort: replica.metricsPort ?? 9500,
    sessionTimeoutMs: a.sessionTimeout,
    lagIntervalMs: a.lagInterval,
    maxRetries: 10,
  };
}
