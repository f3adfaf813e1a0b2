import { basename, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { pipelineServers, registryClientFrom, withServers } from '../lib/clients/index.js';
import { type LoadedPipelineConfig, loadPipelineConfig } from '../lib/config/load.js';
import { pipelineSubjects } from '../lib/config/subjects.js';
import { loadStackEnv, repoRoot } from '../lib/runtime/stack-env.js';
import { formatCheckReport } from '../lib/serde/check-report.js';
import { staleGeneratedFiles, writeGeneratedFiles } from '../lib/serde/codegen-files.js';
import type { SchemaRegistryClient } from '../lib/serde/registry-client.js';
import { type LocalSchema, listSchemaFiles, loadSchemaFile } from '../lib/serde/schema-file.js';
import { checkSubjects, registerChecked, type SubjectPlan } from '../lib/serde/subject-check.js';

interface CommonOptions {
  config?: string;
  registry?: string;
  dir?: string;
}

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);

/** Parses every .avsc of `dir`; prints each invalid file (file:line: problem). */
function parseAll(dir: string): { schemas: LocalSchema[]; invalid: number } {
  const schemas: LocalSchema[] = [];
  let invalid = 0;
  for (const file of listSchemaFiles(dir)) {
    try {
      schemas.push(loadSchemaFile(file));
    } catch (error) {
      invalid += 1;
      err(`invalid schema: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { schemas, invalid };
}

function loadConfig(opts: CommonOptions): LoadedPipelineConfig {
  return loadPipelineConfig({ ...(opts.config ? { file: opts.config } : {}), env: loadStackEnv() });
}

function schemasDirOf(opts: CommonOptions, config?: LoadedPipelineConfig): string {
  if (opts.dir) return resolve(opts.dir);
  if (config) return resolve(config.source.baseDir, config.registry.schemasDir);
  return join(repoRoot, 'schemas');
}

function registryOf(opts: CommonOptions, config: LoadedPipelineConfig): SchemaRegistryClient {
  return registryClientFrom(config, opts.registry);
}

/** Parse every schema, load the config, and plan one check per subject. Undefined: already reported. */
function prepare(opts: CommonOptions): { config: LoadedPipelineConfig; plans: SubjectPlan[] } | undefined {
  let config: LoadedPipelineConfig | undefined;
  let configError: unknown;
  try {
    config = loadConfig(opts);
  } catch (error) {
    configError = error;
  }
  const dir = schemasDirOf(opts, config);
  const { schemas, invalid } = parseAll(dir);
  if (invalid > 0 || !config) {
    if (configError && invalid === 0)
      err(`iotp: ${configError instanceof Error ? configError.message : String(configError)}`);
    err(
      `schemas check failed: ${invalid} invalid schema file(s) in ${dir}${config ? '' : '; the config did not load'}`,
    );
    process.exitCode = 1;
    return undefined;
  }
  const subjects = pipelineSubjects(config);
  // The schemas of `dir` stand in for the config's files of the same name (--dir checks another set).
  const byName = new Map(schemas.map((s) => [basename(s.file), s]));
  const plans = subjects.map((s) => ({ subject: s.subject, schema: byName.get(basename(s.schema.file)) ?? s.schema }));
  const used = new Set(plans.map((p) => p.schema.file));
  for (const s of schemas)
    if (!used.has(s.file)) out(`note: ${relative(process.cwd(), s.file)} is not used by any route or output`);
  return { config, plans };
}

async function runCheck(opts: CommonOptions & { register?: boolean }): Promise<void> {
  const prepared = prepare(opts);
  if (!prepared) return;
  const registry = registryOf(opts, prepared.config);
  const servers = pipelineServers(prepared.config, opts.registry);
  const checks = await withServers(servers, () => checkSubjects(registry, prepared.plans));
  out(formatCheckReport(checks));
  const bad = checks.filter((c) => c.verdict === 'incompatible').length;
  if (bad > 0) {
    err(`${bad} incompatible schema(s): nothing ${opts.register ? 'registered' : 'to register until fixed'}`);
    process.exitCode = 1;
    return;
  }
  if (!opts.register) return;
  for (const r of await withServers(servers, () => registerChecked(registry, prepared.plans, checks))) {
    out(`${r.action === 'registered' ? 'registered' : 'unchanged '} ${r.subject} id ${r.id}`);
  }
}

/**
 * `iotp schemas check|register|codegen`: the data team's workflow for schemas/*.avsc against the
 * registry (see schemas/README.md and docs/SCHEMAS.md).
 */
export function registerSchemasCommands(program: Command): void {
  const schemas = program
    .command('schemas')
    .description('Avro schemas: check and register against the registry, generate types');
  const common = (cmd: Command) =>
    cmd
      .option('-c, --config <file>', 'pipeline config (default IOTP_CONFIG or config/pipeline.yaml)')
      .option('--registry <url>', 'registry URL (default: registry.url of the config)')
      .option('--dir <dir>', 'schemas directory (default: registry.schemasDir of the config)');
  common(
    schemas
      .command('check')
      .description('parse every schema and test each against its subject (level of the subject, BACKWARD by default)'),
  ).action((opts: CommonOptions) => runCheck(opts));
  common(
    schemas.command('register').description('check, then register the new and changed schemas (idempotent)'),
  ).action((opts: CommonOptions) => runCheck({ ...opts, register: true }));
  schemas
    .command('codegen')
    .description('generate TypeScript types from the .avsc files into <dir>/generated/')
    .option('--dir <dir>', 'schemas directory', join(repoRoot, 'schemas'))
    .option('--check', 'exit 1 if the generated files are stale (write nothing)')
    .action((opts: { dir: string; check?: boolean }) => {
      const dir = resolve(opts.dir);
      if (opts.check) {
        const stale = staleGeneratedFiles(dir);
        if (stale.length > 0) {
          err(`stale generated types: ${stale.join(', ')}: run 'iotp schemas codegen'`);
          process.exitCode = 1;
        } else out('generated types are up to date');
      } else out(`wrote ${writeGeneratedFiles(dir).length} file(s) to ${join(dir, 'generated')}`);
    });
}
