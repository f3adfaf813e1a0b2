import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadPipelineConfig } from '../../../lib/config/index.js';
import type { WorkerHandle } from '../../../lib/runtime/worker.js';
import { type ChildWorker, freePort, spawnIotp } from '../../../test/helpers/child-process.js';
import { type ArchiveSettings, archiveSettingsFrom } from '../archive-settings.js';
import { runParquetSink } from '../run-parquet-sink.js';

/**
 * Test support of the archive's integration tests and benchmark: a temp archive folder, the worker
 * as a child process (`iotp sink parquet`) or in this process, and DuckDB over what it wrote.
 */
export { type ChildWorker, freePort } from '../../../test/helpers/child-process.js';

/** A fresh archive folder, removed by `drop`. */
export async function tempArchive(prefix: string): Promise<{ root: string; drop(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return { root, drop: () => rm(root, { recursive: true, force: true }) };
}

/** Environment of a worker archiving `topics` into `root` (the YAML's archive: section through IOTP_ARCHIVE__*). */
export function archiveEnv(options: {
  root: string;
  topics: string[];
  groupId: string;
  dlq: string;
  maxRecords?: number;
  interval?: string;
}): Record<string, string> {
  return {
    IOTP_ARCHIVE__ROOT: options.root,
    IOTP_ARCHIVE__TOPICS: `[${options.topics.join(',')}]`,
    IOTP_ARCHIVE__GROUP_ID: options.groupId,
    IOTP_ARCHIVE__ROTATION__MAX_RECORDS: String(options.maxRecords ?? 100_000),
    IOTP_ARCHIVE__ROTATION__INTERVAL: options.interval ?? '10m',
    // A killed replica holds its partitions until its session times out: 10 s instead of 30 s.
    IOTP_ARCHIVE__SESSION_TIMEOUT: '10s',
    IOTP_KAFKA__TOPICS__DLQ: options.dlq,
    KAFKA_BACKEND: process.env.KAFKA_BACKEND ?? 'kafkajs',
  };
}

/** `iotp sink parquet` as a child process. */
export async function spawnArchiveSink(env: Record<string, string>, replicaId: string): Promise<ChildWorker> {
  return spawnIotp(['sink', 'parquet', '--replica-id', replicaId], {
    env: { ...env, METRICS_PORT: String(await freePort()) },
    logLevel: 'info',
  });
}

/** The worker in this process, with the real clients; settings as the YAML and `env` make them. */
export async function runArchiveSinkHere(
  env: Record<string, string>,
  override?: (s: ArchiveSettings) => ArchiveSettings,
): Promise<WorkerHandle> {
  return runParquetSink({
    env,
    replicaId: `test-${process.pid}`,
    metricsPort: 0,
    override: (s) => (override ? override(s) : s),
  });
}

/** Settings as `iotp sink parquet` builds them (for checks on defaults). */
export function archiveSettingsFor(env: Record<string, string>): ArchiveSettings {
  return archiveSettingsFrom(loadPipelineConfig({ env }), { metricsPort: 0 });
}

/** Runs SQL with DuckDB (rows as JSON-safe objects). */
export async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The glob of every data file of a topic under `root`. */
export const topicGlob = (root: string, topic: string) => join(root, topic, 'date=*', 'hour=*', '*.parquet');
