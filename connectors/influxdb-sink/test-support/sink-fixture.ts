import { join } from 'node:path';
import { Registry } from 'prom-client';
import { registryAuthFromEnv } from '../../../lib/clients/index.js';
import { loadPipelineConfig } from '../../../lib/config/index.js';
import { IotpError } from '../../../lib/errors.js';
import { influxQl } from '../../../lib/influx/influxql-client.js';
import type { KafkaClient } from '../../../lib/kafka/types.js';
import { silentLogger } from '../../../lib/runtime/log.js';
import { repoRoot } from '../../../lib/runtime/stack-env.js';
import {
  createAvroDecoder,
  createAvroEncoder,
  createSchemaRegistryClient,
  type LocalSchema,
  loadSchemaFile,
  type SchemaRegistryClient,
} from '../../../lib/serde/index.js';
import { type ChildWorker, spawnIotp } from '../../../test/helpers/child-process.js';
import { kafkaClientFromEnv } from '../../../test/helpers/kafka.js';
import { type RunningSink, startInfluxdbSink } from '../influxdb-sink.js';
import { createPointMaker } from '../point-maker.js';
import { ruleForTopic } from '../route.js';
import { createWriter } from '../run-influxdb-sink.js';
import { type SinkSettings, sinkSettingsFrom } from '../sink-settings.js';

/**
 * Test support for the sink's integration tests and benchmark (real Kafka, registry, InfluxDB).
 * The generic helpers (Kafka, child processes, waits) live in test/helpers and are re-exported here
 * under the names the sink's tests use.
 */
export { type ChildWorker, freePort } from '../../../test/helpers/child-process.js';
export { allCommitted, kafkaClientFromEnv as kafkaFor } from '../../../test/helpers/kafka.js';
export { waitUntil } from '../../../test/helpers/wait.js';

export const schemaFile = (name: string): LocalSchema => loadSchemaFile(join(repoRoot, 'schemas', `${name}.avsc`));

export interface Reading {
  deviceId: string;
  ts: number;
  site: string;
  temperature: number | null;
  humidity: number | null;
  pressure: number | null;
}

const WEEK = 7 * 24 * 3_600_000;

/**
 * A start time for test readings: an hour ago, whole seconds, not in the last minute of an InfluxDB
 * shard week (so a few seconds of readings share one shard: 1.x types fields per shard). Never a
 * fixed old date: Kafka's time retention (7 days by default, checked every 5 minutes) deletes records
 * whose timestamps are older, even from the active segment, in the middle of a test.
 */
export function recentStart(now = Date.now()): number {
  let start = Math.floor((now - 3_600_000) / 1000) * 1000;
  if (start % WEEK > WEEK - 60_000) start -= 120_000;
  return start;
}

/** `count` readings of `devices` devices, one per device per second from `startMs`; values derived from the index. */
export function makeReadings(count: number, devices: number, startMs: number): Reading[] {
  return Array.from({ length: count }, (_, i) => ({
    deviceId: `dev-${i % devices}`,
    ts: startMs + Math.floor(i / devices) * 1000,
    site: `site-${i % 3}`,
    temperature: Math.round((20 + Math.sin(i) * 5) * 1000) / 1000,
    humidity: i % 7 === 0 ? null : 40 + (i % 11),
    pressure: null,
  }));
}

export async function registryAndEncoder<T = Reading>(env: Record<string, string>, topic: string, schema: LocalSchema) {
  const registry = createSchemaRegistryClient({ url: env.SCHEMA_REGISTRY_URL!, ...registryAuthFromEnv(env) });
  const encoder = createAvroEncoder<T>({
    registry,
    subject: `${topic}-value`,
    schema,
    autoRegister: true,
  });
  await encoder.schemaId();
  return { registry, encoder };
}

/**
 * A database of the test's own on the stack's InfluxDB (the iotp user is admin), so that nothing
 * else writing or deleting in `telemetry` can touch what the test checks. Settings for the sink:
 * INFLUX_DB and INFLUX_BUCKET (`<db>/autogen`).
 */
export async function tempDatabase(env: Record<string, string>, prefix: string) {
  const database = `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`.replace(
    /[^A-Za-z0-9_]/g,
    '_',
  );
  const server = influxQl({
    url: env.INFLUX_URL!,
    database: 'telemetry',
    username: env.INFLUX_USERNAME,
    password: env.INFLUX_PASSWORD,
  });
  await server.query(`CREATE DATABASE "${database}"`);
  return {
    database,
    env: { INFLUX_DB: database, INFLUX_BUCKET: `${database}/autogen` },
    q: influxQl({ url: env.INFLUX_URL!, database, username: env.INFLUX_USERNAME, password: env.INFLUX_PASSWORD }),
    drop: async () => {
      await server.query(`DROP DATABASE "${database}"`);
    },
  };
}

/** Settings as `iotp sink influxdb` would build them from the pipeline config and `env`. */
export function settingsFor(env: Record<string, string | undefined>): SinkSettings {
  return sinkSettingsFrom(loadPipelineConfig({ env }), { replicaId: env.SINK_REPLICA_ID, metricsPort: 0 });
}

/** The sink in this process (for tests that read its metrics registry), with the real clients. */
export async function startSinkHere(
  env: Record<string, string>,
  settings: SinkSettings,
  onFatal: (e: IotpError) => void = () => undefined,
): Promise<{
  sink: RunningSink;
  registry: Registry;
  kafka: KafkaClient;
  schemaRegistry: SchemaRegistryClient;
  /** Fatal errors the sink reported (it stopped consuming): waits should fail on the first. */
  fatal: IotpError[];
}> {
  const fatal: IotpError[] = [];
  const kafka = kafkaClientFromEnv(env, settings.replicaId);
  const schemaRegistry = createSchemaRegistryClient({ url: env.SCHEMA_REGISTRY_URL!, ...registryAuthFromEnv(env) });
  const registry = new Registry();
  const sink = await startInfluxdbSink(settings, {
    kafka,
    writer: createWriter(settings),
    pointMaker: createPointMaker({
      decoder: createAvroDecoder({ registry: schemaRegistry }),
      schemaOf: (id) => schemaRegistry.schemaById(id),
      ruleFor: (topic) =>
        ruleForTopic(topic, { prefix: settings.mapping.prefix, extraTags: settings.mapping.extraTags }),
      staticTags: settings.mapping.staticTags,
    }),
    registry,
    log: silentLogger(),
    setReady: () => undefined,
    onFatal: (e) => {
      fatal.push(e);
      onFatal(e);
    },
  });
  return { sink, registry, kafka, schemaRegistry, fatal };
}

/** Throws the sink's first fatal error, if any: a wait for progress must not outlive a dead sink. */
export function throwIfFatal(fatal: readonly IotpError[]): void {
  const first = fatal[0];
  if (first)
    throw new IotpError('TEST_SINK_FATAL', `the sink stopped: ${first.code}: ${first.message}`, { cause: first });
}

/** Sum of a metric's samples (optionally those whose labels include `labels`) in a registry. */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) =>
      Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
    )
    .reduce((sum, v) => sum + v.value, 0);
}

/**
 * `iotp sink influxdb` as a child process (the process is the worker: kill -9 reaches it); `env`
 * fills the pipeline YAML (IOTP_SINK__*, INFLUX_*) and sets METRICS_PORT and SINK_REPLICA_ID.
 */
export function spawnSink(env: Record<string, string>): ChildWorker {
  return spawnIotp(['sink', 'influxdb'], { env });
}
