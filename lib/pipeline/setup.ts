import { kafkaClientFrom, registryClientFrom } from '../clients/index.js';
import { type LoadedPipelineConfig, pipelineSubjects } from '../config/index.js';
import { IotpError } from '../errors.js';
import type { KafkaClient } from '../kafka/types.js';
import { checkSubjects, registerChecked } from '../serde/subject-check.js';
import { pipelineTopics } from './topics.js';

/** Options of the setup steps. */
export interface SetupOptions {
  /** Role in the Kafka client id (`<kafka.clientId>-<role>`); default `setup`. */
  clientId?: string;
}

/**
 * Creates the pipeline's topics (idempotent), with the Kafka client of the config (lib/clients).
 * Returns the topic names.
 *
 * @example
 *   await createPipelineTopics(loadPipelineConfig({ env })); // ['telemetry.anomalies', ...]
 */
export async function createPipelineTopics(
  config: LoadedPipelineConfig,
  options: SetupOptions = {},
): Promise<string[]> {
  return ensurePipelineTopics(kafkaClientFrom(config, options.clientId ?? 'setup'), config);
}

/** `createPipelineTopics` with a client the caller built (from the same config, e.g. with its own logger). */
export async function ensurePipelineTopics(client: KafkaClient, config: LoadedPipelineConfig): Promise<string[]> {
  const admin = client.admin();
  await admin.connect();
  try {
    const specs = pipelineTopics(config);
    await admin.createTopics(specs);
    return specs.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Checks every subject of the pipeline against the registry and registers the new and changed
 * ones; refuses (nothing registered) when any is incompatible.
 *
 * @example
 *   await registerPipelineSchemas(config); // [{ subject: 'telemetry.environment-value', id: 3 }, ...]
 */
export async function registerPipelineSchemas(
  config: LoadedPipelineConfig,
): Promise<{ subject: string; id: number }[]> {
  const registry = registryClientFrom(config);
  const plans = pipelineSubjects(config).map((s) => ({ subject: s.subject, schema: s.schema }));
  const checks = await checkSubjects(registry, plans);
  const bad = checks.filter((c) => c.verdict === 'incompatible');
  if (bad.length > 0)
    throw new IotpError(
      'SCHEMA_INCOMPATIBLE',
      `incompatible schemas: ${bad.map((c) => c.subject).join(', ')} (run 'iotp schemas check')`,
    );
  return (await registerChecked(registry, plans, checks)).map((x) => ({ subject: x.subject, id: x.id }));
}
