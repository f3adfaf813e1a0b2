import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { renderConfigDocs } from '../lib/config/docs.js';
import { loadPipelineConfig } from '../lib/config/load.js';
import { pipelineSubjects } from '../lib/config/subjects.js';
import { loadStackEnv, repoRoot } from '../lib/runtime/stack-env.js';

const DOCS_FILE = join(repoRoot, 'docs', 'CONFIG.md');

/** `iotp config check|print|docs`: validate the pipeline YAML, show it resolved, regenerate docs/CONFIG.md. */
export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('the pipeline config (config/pipeline.yaml)');
  config
    .command('check')
    .description('validate the config and the schemas of its routes; print the reading types and subjects')
    .option('-c, --config <file>', 'config file (default IOTP_CONFIG or config/pipeline.yaml)')
    .action((opts: { config?: string }) => {
      const loaded = loadPipelineConfig({ ...(opts.config ? { file: opts.config } : {}), env: loadStackEnv() });
      const lines = [`${loaded.source.file}: ok`];
      for (const r of loaded.readingRoutes) {
        lines.push(`  ${r.type}: ${r.mqttFilter} -> ${r.topic} (${r.fields.numeric.map((f) => f.name).join(', ')})`);
      }
      for (const r of loaded.eventRoutes) lines.push(`  ${r.type} (event): ${r.mqttFilter} -> ${r.topic}`);
      lines.push(`  subjects: ${pipelineSubjects(loaded).length}`);
      if (loaded.source.overrides.length > 0) lines.push(`  overridden by: ${loaded.source.overrides.join(', ')}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  config
    .command('print')
    .description('print the resolved config as JSON (secrets masked)')
    .option('-c, --config <file>', 'config file')
    .action((opts: { config?: string }) => {
      const loaded = loadPipelineConfig({ ...(opts.config ? { file: opts.config } : {}), env: loadStackEnv() });
      const { readingRoutes, eventRoutes, outputSchemas, ...rest } = loaded;
      const shown = {
        ...rest,
        outputSchemas: Object.fromEntries(Object.entries(outputSchemas).map(([k, s]) => [k, s.file])),
        readingRoutes: readingRoutes.map(({ schema, fields, ...r }) => ({ ...r, schema: schema.file, fields })),
        eventRoutes: eventRoutes.map(({ schema, fields: _fields, ...r }) => ({ ...r, schema: schema.file })),
      };
      const masked = JSON.stringify(
        shown,
        (key, value: unknown) =>
          ['password', 'token', 'secret'].includes(key) && typeof value === 'string' ? '***' : value,
        2,
      );
      process.stdout.write(`${masked}\n`);
    });
  config
    .command('docs')
    .description('generate docs/CONFIG.md from the config schema')
    .option('--write', 'write the file')
    .option('--check', 'exit 1 if the file is stale')
    .action((opts: { write?: boolean; check?: boolean }) => {
      const text = renderConfigDocs();
      if (opts.write) {
        writeFileSync(DOCS_FILE, text);
        process.stdout.write(`wrote ${DOCS_FILE}\n`);
      } else if (opts.check) {
        let current = '';
        try {
          current = readFileSync(DOCS_FILE, 'utf8');
        } catch {
          // missing counts as stale
        }
        if (current !== text) {
          process.stderr.write(`${DOCS_FILE} is stale: run 'iotp config docs --write'\n`);
          process.exitCode = 1;
        }
      } else {
        process.stdout.write(text);
      }
    });
}
