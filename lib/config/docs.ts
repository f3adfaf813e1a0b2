import { z } from 'zod';
import { envVarForPath } from './env-overrides.js';
import { LEGACY_ENV_KEYS } from './legacy-env.js';
import { pipelineConfigSchema } from './schema.js';

type Json = { [key: string]: unknown };

interface Row {
  key: string;
  type: string;
  default: string;
  env: string;
  description: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeLabel(node: Json): string {
  if (typeof node['x-type'] === 'string') return node['x-type'];
  if (Array.isArray(node.enum)) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (Array.isArray(node.anyOf)) return node.anyOf.map((b) => (isObject(b) ? typeLabel(b) : '?')).join(' | ');
  const type = node.type;
  if (type === 'integer' || type === 'number') {
    const bounds: string[] = [];
    if (typeof node.minimum === 'number') bounds.push(`>= ${node.minimum}`);
    if (typeof node.exclusiveMinimum === 'number') bounds.push(`> ${node.exclusiveMinimum}`);
    if (typeof node.maximum === 'number' && node.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`<= ${node.maximum}`);
    if (typeof node.exclusiveMaximum === 'number') bounds.push(`< ${node.exclusiveMaximum}`);
    return `${type}${bounds.length ? ` ${bounds.join(', ')}` : ''}`;
  }
  if (type === 'array') return `list of ${isObject(node.items) ? typeLabel(node.items) : '?'}`;
  if (type === 'object' && isObject(node.additionalProperties) && !isObject(node.properties)) {
    return `map of ${typeLabel(node.additionalProperties)}`;
  }
  return typeof type === 'string' ? type : 'any';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function walk(node: Json, path: (string | number)[], label: string, required: boolean, rows: Row[]): void {
  const props = isObject(node.properties) ? node.properties : undefined;
  const items = node.type === 'array' && isObject(node.items) ? node.items : undefined;
  const hasDefault = node.default !== undefined;
  const isContainer = props !== undefined || (items !== undefined && isObject(items.properties));
  if (!isContainer || items) {
    rows.push({
      key: label,
      type: cell(items && isObject(items.properties) ? 'list' : typeLabel(node)),
      default: hasDefault ? cell(`\`${JSON.stringify(node.default)}\``) : required ? '**required**' : '',
      env: `\`${envVarForPath(path).replace(/__0(?=__|$)/g, '__<i>')}\``,
      description: cell(typeof node.description === 'string' ? node.description : ''),
    });
  }
  if (props) {
    const req = new Set(Array.isArray(node.required) ? node.required : []);
    for (const [k, child] of Object.entries(props)) {
      if (isObject(child)) walk(child, [...path, k], label ? `${label}.${k}` : k, req.has(k), rows);
    }
  }
  if (items && isObject(items.properties)) {
    const req = new Set(Array.isArray(items.required) ? items.required : []);
    for (const [k, child] of Object.entries(items.properties)) {
      if (isObject(child)) walk(child, [...path, 0, k], `${label}[].${k}`, req.has(k), rows);
    }
  }
}

/**
 * docs/CONFIG.md, generated from the config schema's descriptions and defaults (a unit test fails
 * when the committed file differs; regenerate with `iotp config docs --write`).
 *
 * @example writeFileSync('docs/CONFIG.md', renderConfigDocs());
 */
export function renderConfigDocs(): string {
  const schema = z.toJSONSchema(pipelineConfigSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const out: string[] = [
    '# Pipeline configuration',
    '',
    '<!-- Generated from lib/config/sections/*.ts by `iotp config docs --write`; do not edit by hand. -->',
    '',
    'One YAML file, `config/pipeline.yaml` by default (`--config <file>` or `IOTP_CONFIG`), validated at start.',
    '',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
    '- `${VAR}` and `${VAR:-default}` in a value come from the environment (plus `.stack/env` for the local',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
    '  stack). A value that is exactly one reference takes its YAML type (`${PARTITIONS:-4}` is a number); an',
    '  empty one unsets an optional key.',
    '- Any key can be overridden by an environment variable `IOTP_<SECTION>__<KEY>[__<KEY>...]`: levels are',
    '  separated by `__`, camelCase keys are written SCREAMING_SNAKE (`batchSize` -> `BATCH_SIZE`), list items by',
    '  index (`IOTP_ROUTES__0__TOPIC`); the value is read as YAML (`8`, `true`, `[a, b]`).',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
    '- Secrets (`password`, `token`, `secret`, `secretAccessKey`) must be `${VAR}` references in the file; a literal secret is rejected.',
    '- Durations: `500ms`, `30s`, `1m`, `1h`, `1d` or a number of ms.',
    '- Errors name the key, the file line or the variable that set it, and what was expected.',
    '- Every worker and command builds its Kafka and registry clients from this file (`lib/clients`): a',
    '  `kafka.ssl` / `kafka.sasl` written here reaches the source, the sink, both topologies, setup, lag,',
    '  schemas and dlq alike.',
    `- Deprecated variables, still read as overrides of their keys (the \`IOTP_\` name wins): ${Object.entries(
      LEGACY_ENV_KEYS,
    )
      .map(([name, path]) => `\`${name}\` -> \`${path.join('.')}\``)
      .join(', ')}.`,
    "- Not in this file: `METRICS_PORT` (each worker's /metrics port, or `--metrics-port`), `MQTT_CLIENT_ID`",
    '  (`--replica`) and `SINK_REPLICA_ID` (`--replica-id`): what tells one replica from another.',
    '',
  ];
  const props = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  for (const [section, node] of Object.entries(props)) {
    if (!isObject(node)) continue;
    const rows: Row[] = [];
    walk(node, [section], section, required.has(section), rows);
    out.push(`## \`${section}\``, '', typeof node.description === 'string' ? node.description : '', '');
    out.push('| key | type | default | env override | description |', '|---|---|---|---|---|');
    for (const r of rows) out.push(`| \`${r.key}\` | ${r.type} | ${r.default} | ${r.env} | ${r.description} |`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
