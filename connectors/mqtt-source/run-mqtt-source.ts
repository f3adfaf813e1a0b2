import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../lib/errors.js';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import { runWorker, type WorkerHandle } from '../../lib/runtime/worker.js';
import { createSchemaRegistryClient } from '../../lib/serde/index.js';
import { startMqttSource } from './connector.js';
import type { MqttSourceOptions } from './options.js';
import { mqttSourceOptionsFrom } from './options-from-env.js';

export interface RunMqttSourceOptions {
  /** Pipeline YAML (routes + mqttSource section); default IOTP_CONFIG, else built-in defaults. */
  configFile?: string;
  env: Record<string, string | undefined>;
  /** Connect to Kafka through the SASL_SSL listener (KAFKA_SASL_*). */
  sasl?: boolean;
  /** Last-word overrides (CLI flags). */
  override?(options: MqttSourceOptions): MqttSourceOptions;
}

/** Reads the pipeline YAML file, if any; errors name the file. */
export function readPipelineFile(file: string | undefined): Record<string, unknown> | undefined {
  if (file === undefined || file === '') return undefined;
  if (!existsSync(file))
    throw new ConfigError('IOTP_CONFIG', `expected a pipeline YAML file, "${file}" does not exist`);
  const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
  if (parsed === null || parsed === undefined) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError('IOTP_CONFIG', `expected a YAML mapping at the top of "${file}"`);
  return parsed as Record<string, unknown>;
}

/**
 * `iotp connect mqtt-source` as a function: options from YAML + env, the Kafka client and the
 * registry from env, the worker's /metrics /healthz /readyz and clean SIGTERM shutdown.
 *
 * @example
 *   const handle = await runMqttSource({ env: loadStackEnv() });
 *   await handle.stopped;
 */
export async function runMqttSource(run: RunMqttSourceOptions): Promise<WorkerHandle> {
  const pipeline = readPipelineFile(run.configFile ?? run.env.IOTP_CONFIG);
  let options = mqttSourceOptionsFrom(pipeline, run.env);
  if (run.override) options = run.override(options);
  const kafka = createKafkaClient(kafkaConfigFromEnv(run.env, { clientId: options.mqtt.clientId, sasl: run.sasl }));
  const registry = createSchemaRegistryClient({ url: options.registry.url });
  let handle: WorkerHandle | undefined;
  handle = await runWorker({
    component: 'mqtt-source',
    port: options.metricsPort,
    start: async (ctx) => {
      const source = await startMqttSource(options, {
        kafka,
        registry,
        metrics: ctx.registry,
        log: ctx.log,
        setReady: ctx.setReady,
        onFatal: () => {
          process.exitCode = 1;
          void handle?.shutdown('fatal: dead letter refused by Kafka');
        },
      });
      return { stop: () => source.stop() };
    },
  });
  return handle;
}
