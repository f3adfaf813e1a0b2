import type { Command } from 'commander';
import { type LoadedPipelineConfig, loadPipelineConfig, pipelineSubjects } from '../lib/config/index.js';
import { createKafkaClient, kafkaConfigFromEnv } from '../lib/kafka/index.js';
import { loadStackEnv } from '../lib/runtime/stack-env.js';
import { registryFromConfig } from '../lib/serde/registry-from-config.js';
import { checkSubjects, registerChecked } from '../lib/serde/subject-check.js';
import { pipelineTopics } from './pipeline-topics.js';

/** Creates the pipeline's topics (idempotent). Returns the topic names. */
export async function createPipelineTopics(
  config: LoadedPipelineConfig,
  env: Record<string, string>,
): Promise<string[]> {
  const admin = createKafkaClient(kafkaConfigFromEnv(env, { clientId: 'iotp-setup' })).admin();
  await admin.connect();
  try {
    const specs = pipelineTopics(config);
    await admin.createTopics(specs);
    return specs.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}

/** Checks every subject against the registry and registers the new and changed ones. */
export async function registerPipelineSchemas(
  config: LoadedPipelineConfig,
): Promise<{ subject: string; id: number }[]> {
  const registry = registryFromConfig(config);
  const plans = pipelineSubjects(config).map((s) => ({ subject: s.subject, schema: s.schema }));
  const checks = await checkSubjects(registry, plans);
  const bad = checks.filter((c) => c.verdict === 'incompatible');
  if (bad.length > 0)
    throw new Error(`incompatible schemas: ${bad.map((c) => c.subject).join(', ')} (run 'iotp schemas check')`);
  return (await registerChecked(registry, plans, checks)).map((x) => ({ subject: x.subject, id: x.id }));
}

/** `iotp setup`: what a deployment does once before the workers start (compose's `init`, k8s' Job). */
export function registerSetupCommands(program: Command): void {
  program
    .command('setup')
    .description("create the pipeline's Kafka topics and register its schemas (idempotent)")
    .option('-c, --config <file>', 'pipeline YAML (default: IOTP_CONFIG or config/pipeline.yaml)')
    .action(async (opts: { config?: string }) => {
      const env = loadStackEnv();
      const config = loadPipelineConfig({ ...(opts.config ? { file: opts.config } : {}), env });
      const topics = await createPipelineTopics(config, env);
      process.stdout.write(`topics: ${topics.length} present (${topics.join(', ')})\n`);
      for (const s of await registerPipelineSchemas(config)) process.stdout.write(`schema: ${s.subject} id ${s.id}\n`);
    });
}
