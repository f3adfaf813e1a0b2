import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import YAML, { LineCounter } from 'yaml';
import { ConfigError } from '../errors.js';
import { repoRoot } from '../runtime/stack-env.js';
import { type ConfigProblem, configErrorOf, describeIssues, formatKey } from './config-errors.js';
import { applyOverrides, type EnvOverride, envOverrides } from './env-overrides.js';
import { interpolate, secretsInFile } from './interpolate.js';
import {
  type EventRoute,
  loadOutputSchemas,
  type OutputSchemas,
  type ReadingRoute,
  resolveEventRoutes,
  resolveReadingRoutes,
} from './reading-routes.js';
import { type PipelineConfig, pipelineConfigSchema } from './schema.js';

/** The default config file: `config/pipeline.yaml` of the repository (or `IOTP_CONFIG`). */
export const DEFAULT_CONFIG_FILE = resolve(repoRoot, 'config', 'pipeline.yaml');

export interface LoadPipelineConfigOptions {
  /** YAML file; default `env.IOTP_CONFIG`, else config/pipeline.yaml. */
  file?: string;
  /** YAML text to use instead of reading `file` (relative paths still resolve from `file`'s directory). */
  text?: string;
  /** Variables for `${VAR}` references and `IOTP_<SECTION>__<KEY>` overrides (e.g. loadStackEnv()). */
  env?: Record<string, string | undefined>;
}

/**
 * The validated pipeline config, with every reading route expanded and its schema loaded.
 * Durations are in ms.
 */
export interface LoadedPipelineConfig extends PipelineConfig {
  source: {
    file: string;
    /** Relative paths of the config (schemasDir, schema paths) resolve from here. */
    baseDir: string;
    /** Env variables that overrode a value. */
    overrides: string[];
  };
  readingRoutes: ReadingRoute[];
  /** Routes of kind `event` (e.g. command status): the MQTT source routes them, nothing aggregates them. */
  eventRoutes: EventRoute[];
  outputSchemas: OutputSchemas;
}

function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * Loads the ONE pipeline YAML: parse, refuse secrets written in the file, interpolate `${VAR}`
 * from `env`, apply `IOTP_<SECTION>__<KEY>` overrides, validate (zod, cross-section rules), load
 * the schemas. Every failure is a ConfigError that names the key (and file:line or the env
 * variable) and what was expected.
 *
 * @example
 *   const config = loadPipelineConfig({ env: loadStackEnv() });
 *   config.readingRoutes.map((r) => r.topic); // ['telemetry.environment', 'telemetry.power']
 *   config.streams.windows[0]?.grace;         // 10000 (ms)
 */
export function loadPipelineConfig(options: LoadPipelineConfigOptions = {}): LoadedPipelineConfig {
  const env = options.env ?? {};
  const file = resolve(options.file ?? env.IOTP_CONFIG ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = options.text ?? readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError('IOTP_CONFIG', `cannot read the config file ${file}: ${String(cause)}`, { cause });
  }
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw new ConfigError(`${shown(file)}${line ? `:${line}` : ''}`, `YAML syntax: ${syntax.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  const overrides = envOverrides(env);

  const where = (path: readonly PropertyKey[]): string | undefined => {
    const byEnv = overrides.find((o: EnvOverride) => o.path.every((p, i) => path[i] === p));
    if (byEnv) return `from ${byEnv.variable}`;
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as { range?: [number, number] } | undefined;
      if (node?.range) return `${shown(file)}:${lineCounter.linePos(node.range[0]).line}`;
    }
    return undefined;
  };
  const located = (problems: { path: (string | number)[]; message: string }[]): ConfigProblem[] =>
    problems.map((p) => {
      const loc = where(p.path);
      return { key: formatKey(p.path), message: `${loc ? `(${loc}) ` : ''}${p.message}` };
    });

  const secretProblems = located(secretsInFile(raw));
  if (secretProblems.length > 0) throw configErrorOf(secretProblems);
  const interpolated = interpolate(raw, env);
  if (interpolated.problems.length > 0) throw configErrorOf(located(interpolated.problems));

  const input = applyOverrides(interpolated.value, overrides);
  const parsed = pipelineConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw configErrorOf(describeIssues(parsed.error.issues, input, pipelineConfigSchema, where));
  }
  const baseDir = dirname(file);
  const config = parsed.data;
  return {
    ...config,
    source: { file, baseDir, overrides: overrides.map((o) => o.variable) },
    readingRoutes: resolveReadingRoutes(config, baseDir),
    eventRoutes: resolveEventRoutes(config, baseDir),
    outputSchemas: loadOutputSchemas(config, baseDir),
  };
}
