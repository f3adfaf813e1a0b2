import { hostname } from 'node:os';
import { fleetTopics, type LoadedPipelineConfig, windowTopic } from '../../lib/config/index.js';
import { ConfigError } from '../../lib/errors.js';
import type { RetryPolicyOptions } from './retry-policy.js';
import type { SinkBufferOptions } from './sink-buffer.js';
import type { V1WriterOptions } from './writers/v1-writer.js';
import type { V2WriterOptions } from './writers/v2-writer.js';

/**
 * Everything one sink replica needs, resolved from the pipeline config (`sink:` and `kafka:`
 * sections, routes and windows) and what tells this replica from the others (its id and metrics
 * port: `--replica-id`, `--metrics-port`). Pure: tested without servers.
 *
 * @example
 *   const settings = sinkSettingsFrom(loadPipelineConfig({ env }), { replicaId: 'sink-0' });
 *   settings.topics; // ['telemetry.environment', 'telemetry.environment.agg.1m', ..., 'telemetry.anomalies', 'telemetry.device-status']
 */
export interface SinkSettings {
  replicaId: string;
  groupId: string;
  /** Raw readings, window results of every window, anomalies, device status and (enrich.enabled) the fleet views, unless `sink.topics` says otherwise. */
  topics: string[];
  dlqTopic: string;
  writer: { api: 'v1'; v1: V1WriterOptions } | { api: 'v2'; v2: V2WriterOptions };
  buffer: SinkBufferOptions;
  retry: RetryPolicyOptions;
  /** Retries of one request before the worker stops (uncommitted: nothing lost). */
  maxRetries: number;
  mapping: { prefix: string; extraTags: string[]; staticTags: Record<string, string> };
  metricsPort: number;
  /** How often consumer lag is read from the broker (ms). */
  lagIntervalMs: number;
  /** On SIGTERM, how long the last flush may retry before giving up (uncommitted records are read again). */
  shutdownFlushMs: number;
  /** Consumer group session timeout: how long a crashed replica keeps its partitions (ms). */
  sessionTimeoutMs: number;
}

/** What differs between the replicas of one sink (not in the shared YAML). */
export interface SinkReplicaSettings {
  /** In logs, the Kafka client id and dead-letter headers; default `influxdb-sink-<host>-<pid>`. */
  replicaId?: string | undefined;
  /** Port of /metrics /healthz /readyz (0 = any free port); default 9400. */
  metricsPort?: number | undefined;
}

export function sinkSettingsFrom(config: LoadedPipelineConfig, replica: SinkReplicaSettings = {}): SinkSettings {
  const sink = config.sink;
  const influx = sink.influx;
  let writer: SinkSettings['writer'];
  if (influx.api === 'v1') {
    if (!influx.db) throw new ConfigError('sink.influx.db', 'expected the database name for the v1 API (INFLUX_DB)');
    writer = {
      api: 'v1',
      v1: {
        url: influx.url,
        database: influx.db,
        retentionPolicy: influx.retentionPolicy,
        username: influx.username || undefined,
        password: influx.password || undefined,
      },
    };
  } else {
    if (!influx.bucket) {
      throw new ConfigError(
        'sink.influx.bucket',
        'expected the bucket for the v2 API (on 1.8: database/retention-policy)',
      );
    }
    if (!influx.token)
      throw new ConfigError('sink.influx.token', 'expected an API token for the v2 API (INFLUX_TOKEN)');
    writer = { api: 'v2', v2: { url: influx.url, org: influx.org, bucket: influx.bucket, token: influx.token } };
  }

  const readingTopics = config.readingRoutes.map((r) => r.topic);
  const defaults = [
    ...readingTopics,
    ...readingTopics.flatMap((t) => config.streams.windows.map((w) => windowTopic(t, w))),
    config.kafka.topics.anomalies,
    config.kafka.topics.deviceStatus,
    // enrich.enabled: the fleet views (per site / model) of the enrich topology.
    ...fleetTopics(config).map((f) => f.topic),
  ];
  const topics = [...new Set(sink.topics ?? defaults)];
  if (topics.includes(config.kafka.topics.dlq)) {
    throw new ConfigError('sink.topics', `expected topics other than the dead-letter topic ${config.kafka.topics.dlq}`);
  }

  return {
    replicaId: replica.replicaId || `influxdb-sink-${hostname()}-${process.pid}`,
    groupId: sink.groupId,
    topics,
    dlqTopic: config.kafka.topics.dlq,
    writer,
    buffer: {
      maxBatchPoints: sink.batchSize,
      lingerMs: sink.linger,
      maxBufferedPoints: sink.maxBufferedPoints ?? Math.max(10 * sink.batchSize, 50_000),
    },
    retry: { initialDelayMs: sink.retries.initialBackoff, maxDelayMs: sink.retries.maxBackoff },
    maxRetries: sink.retries.max,
    mapping: { prefix: sink.topicPrefix, extraTags: sink.extraTags, staticTags: sink.tags },
    metricsPort: replica.metricsPort ?? 9400,
    lagIntervalMs: sink.lagInterval,
    shutdownFlushMs: sink.shutdownFlush,
    sessionTimeoutMs: sink.sessionTimeout,
  };
}
