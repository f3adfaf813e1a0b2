import type { Command } from 'commander';
import { ensurePipelineTopics, registerPipelineSchemas } from '../lib/pipeline/index.js';
import { commandContext } from './command-context.js';

/** `iotp setup`: what a deployment does once before the workers start (compose's `init`, k8s' Job). */
export function registerSetupCommands(program: Command): void {
  program
    .command('setup')
    .description("create the pipeline's Kafka topics and register its schemas (idempotent)")
    .option('-c, --config <file>', 'pipeline YAML (default: IOTP_CONFIG or config/pipeline.yaml)')
    .action(async (opts: { config?: string }) => {
      const { config, run, kafka } = commandContext('setup', opts.config);
      const topics = await run(() => ensurePipelineTopics(kafka('setup'), config));
      process.stdout.write(`topics: ${topics.length} present (${topics.join(', ')})\n`);
      for (const s of await run(() => registerPipelineSchemas(config)))
        process.stdout.write(`schema: ${s.subject} id ${s.id}\n`);
    });
}
