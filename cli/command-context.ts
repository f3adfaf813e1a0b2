import { kafkaClientFrom, pipelineServers, registryClientFrom, withServers } from '../lib/clients/index.js';
import { type LoadedPipelineConfig, loadPipelineConfig } from '../lib/config/index.js';
import type { KafkaClient } from '../lib/kafka/types.js';
import { exitAfterStop } from '../lib/runtime/exit-after-stop.js';
import { createLogger, type Logger } from '../lib/runtime/log.js';
import { loadStackEnv } from '../lib/runtime/stack-env.js';
import type { SchemaRegistryClient } from '../lib/serde/registry-client.js';

/** What a one-shot command (setup, lag, schemas, dlq) works with. */
export interface CommandContext {
  config: LoadedPipelineConfig;
  log: Logger;
  kafka(role: string): KafkaClient;
  registry(url?: string): SchemaRegistryClient;
  /** Runs the command's work; "cannot reach <server> at <address> ..." instead of a client's retry noise. */
  run<T>(work: () => Promise<T>, registryUrl?: string): Promise<T>;
}

/**
 * The pipeline config (`--config`, else IOTP_CONFIG or config/pipeline.yaml, filled by the stack
 * env) and its clients. The Kafka client logs only errors unless LOG_LEVEL says otherwise: a command
 * reports a failure once, itself, not every retry of the client.
 */
export function commandContext(name: string, configFile: string | undefined): CommandContext {
  const config = loadPipelineConfig({ ...(configFile ? { file: configFile } : {}), env: loadStackEnv() });
  const log = createLogger(name, { level: process.env.LOG_LEVEL || 'warn', stream: 'stderr' });
  const kafkaLog = createLogger(name, { level: process.env.LOG_LEVEL || 'fatal', stream: 'stderr' }).child({
    client: 'kafka',
  });
  return {
    config,
    log,
    kafka: (role) => kafkaClientFrom(config, role, kafkaLog),
    registry: (url) => registryClientFrom(config, url),
    run: (work, registryUrl) => withServers(pipelineServers(config, registryUrl), work),
  };
}

/**
 * Starts a worker; if it cannot reach Kafka or the registry while starting, the error names the
 * server, its address and what to try (the worker's own log has the details).
 */
export async function startWorker<T>(
  configFile: string | undefined,
  env: Record<string, string | undefined>,
  start: () => Promise<T>,
): Promise<T> {
  const config = loadPipelineConfig({ ...(configFile ? { file: configFile } : {}), env });
  return withServers(pipelineServers(config), start);
}

/**
 * Waits for a worker started by a command to stop (SIGTERM, or a fatal error), then makes sure the
 * process ends (lib/runtime/exit-after-stop.ts): a supervisor restarts only a process that exits.
 */
export async function untilStopped(handle: { stopped: Promise<void> }, component: string): Promise<void> {
  await handle.stopped;
  exitAfterStop(createLogger(component, { stream: 'stderr' }));
}
