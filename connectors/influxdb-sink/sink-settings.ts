import { hostname } from 'node:os';
import { type LoadedPipelineConfig, windowTopic } from '../../lib/config/index.js';
import { ConfigError } from '../../lib/errors.js';
import type { RetryPolicyOptions } from './retry-policy.js';
import type { SinkBufferOptions } from './sink-buffer.js';
import type { V1WriterOptions } from './writers/v1-writer.js';
import type { V2WriterOptions } from './writers/v2-writer.js';

/**
 * Everything one sink replica needs, resolved from the pipeline config (`sink:` and `kafka:`
 * sections, routes and windows) and the environment (METRICS_PORT, SINK_REPLICA_ID,
 * SINK_MAX_BUFFERED_POINTS, SINK_LAG_INTERVAL_MS, SINK_SHUTDOWN_FLUSH_MS, SINK_SESSION_TIMEOUT_MS).
 * Pure: tested without servers.
 *
 * @example
 *   const settings = sinkSettingsFrom(loadPipelineConfig({ env }), env);
 *   settings.topics; // ['telemetry.environment', 'telemetry.environment.agg.1m', ..., 'telemetry.anomalies', 'telemetry.device-status']
 */
export interface SinkSettings {
  replicaId: string;
  groupId: string;
  /** Raw readings, window results of every window, anomalies and device status, unless `sink.topics` says otherwise. */
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

function intFromEnv(env: Record<string, string | undefined>, key: string, fallback: number, min: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(key, `expected an integer >= ${min}, got "${raw}"`);
  return n;
}

export function sinkSettingsFrom(config: LoadedPipelineConfig, env: Record<string, string | undefined>): SinkSettings {
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
  ];
  const topics = [...new Set(sink.topics ?? defaults)];
  if (topics.includes(config.kafka.topics.dlq)) {
    throw new ConfigError('sink.topics', `expected topics other than the dead-letter topic ${config.kafka.topics.dlq}`);
  }

  return {
    replicaId: env.SINK_REPLICA_ID || `influxdb-sink-${hostname()}-${process.pid}`,
    groupId: sink.groupId,
    topics,
    dlqTopic: config.kafka.topics.dlq,
    writer,
    buffer: {
      maxBatchPoints: sink.batchSize,
      lingerMs: sink.linger,
      maxBufferedPoints: intFromEnv(env, 'SINK_MAX_BUFFERED_POINTS', Math.max(10 * sink.batchSize, 50_000), 1),
    },
    retry: { initialDelayMs: sink.retries.initialBackoff, maxDelayMs: sink.retries.maxBackoff },
    maxRetries: sink.retries.max,
    mapping: { prefix: sink.topicPrefix, extraTags: sink.extraTags, staticTags: sink.tags },
    metricsPort: intFromEnv(env, 'METRICS_PORT', 9400, 0),
    lagIntervalMs: intFromEnv(env, 'SINK_LAG_INTERVAL_MS', 5000, 100),
    shutdownFlushMs: intFromEnv(env, 'SINK_SHUTDOWN_FLUSH_MS', 10_000, 0),
    sessionTimeoutMs: intFromEnv(env, 'SINK_SESSION_TIMEOUT_MS', 30_000, 6000),
  };
}
