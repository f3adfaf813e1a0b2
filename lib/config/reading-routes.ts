import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, IotpError } from '../errors.js';
import { discoverFields, eventContractIssues, type FieldCatalog, readingContractIssues } from '../serde/fields.js';
import { type LocalSchema, loadSchemaFile } from '../serde/schema-file.js';
import { formatDuration } from './duration.js';
import type { PipelineConfig } from './schema.js';
import type { WindowEntry } from './sections/streams.js';
import { fillTemplate, templateFilter } from './topic-template.js';

/**
 * One reading type as routed: a `routes` entry expanded for one type, with its schema loaded and
 * its fields discovered. This is what the connector, the streams and the sink iterate over.
 *
 * @example
 *   for (const r of config.readingRoutes) console.log(r.type, r.topic, r.fields.numeric.map((f) => f.name));
 *   // environment telemetry.environment ['temperature', 'humidity', 'pressure']
 */
export interface ReadingRoute {
  /** Index of the `routes` entry it comes from. */
  route: number;
  type: string;
  /** MQTT topic template with `{type}` filled in, e.g. `sensors/{site}/{deviceId}/environment`. */
  mqtt: string;
  /** Subscription filter, e.g. `sensors/+/+/environment`. */
  mqttFilter: string;
  topic: string;
  /** The schema as the route names it (`environment` or `x/y.avsc`). */
  schemaName: string;
  subject: string;
  tags: Record<string, string>;
  schema: LocalSchema;
  fields: FieldCatalog;
  /** How the MQTT source subscribes for it: the template's namespace (`sensors/#`) or its exact filter. */
  subscribe: 'namespace' | 'exact';
}

/**
 * A route of kind `event` (e.g. a device's command status): routed by the MQTT source to its Kafka
 * topic like a reading, but neither aggregated, watched nor written to InfluxDB.
 */
export type EventRoute = Omit<ReadingRoute, 'tags'>;

/** The schemas of the records the pipeline produces. */
export interface OutputSchemas {
  windowResult: LocalSchema;
  anomaly: LocalSchema;
  deviceStatus: LocalSchema;
  /** A command to a device (`commands.schema`). */
  command: LocalSchema;
}

/** The path of a schema named by a route or `registry.schemas`: a base name or a `.avsc` path. */
export function schemaPath(name: string, baseDir: string, schemasDir: string): string {
  if (name.endsWith('.avsc')) return isAbsolute(name) ? name : resolve(baseDir, name);
  return resolve(baseDir, schemasDir, `${name}.avsc`);
}

function loadAt(key: string, name: string, baseDir: string, schemasDir: string): LocalSchema {
  const file = schemaPath(name, baseDir, schemasDir);
  if (!existsSync(file)) {
    throw new ConfigError(key, `schema '${name}' not found: expected the file ${file}`);
  }
  try {
    return loadSchemaFile(file);
  } catch (error) {
    throw new ConfigError(key, error instanceof Error ? error.message : String(error), {
      cause: error,
      context: error instanceof IotpError ? error.context : {},
    });
  }
}

/** Expands routes of kind `reading` per type and loads their schemas; throws ConfigError naming the route key. */
export function resolveReadingRoutes(config: PipelineConfig, baseDir: string): ReadingRoute[] {
  return resolveRoutes(config, baseDir, 'reading');
}

/** The routes of kind `event`, expanded and with their schemas loaded. */
export function resolveEventRoutes(config: PipelineConfig, baseDir: string): EventRoute[] {
  return resolveRoutes(config, baseDir, 'event').map(({ tags: _tags, ...route }) => route);
}

function resolveRoutes(config: PipelineConfig, baseDir: string, kind: 'reading' | 'event'): ReadingRoute[] {
  const out: ReadingRoute[] = [];
  config.routes.forEach((entry, i) => {
    if (entry.kind !== kind) return;
    for (const type of entry.types ?? (entry.type ? [entry.type] : [])) {
      const topic = fillTemplate(entry.topic, { type });
      const schemaName = fillTemplate(entry.schema, { type });
      const schema = loadAt(`routes[${i}].schema`, schemaName, baseDir, config.registry.schemasDir);
      const issues = kind === 'reading' ? readingContractIssues(schema.json) : eventContractIssues(schema.json);
      if (issues.length > 0) {
        throw new ConfigError(`routes[${i}].schema`, `${schema.file} is not a ${kind} schema: ${issues.join('; ')}`);
      }
      const mqtt = fillTemplate(entry.mqtt, { type });
      out.push({
        route: i,
        type,
        mqtt,
        mqttFilter: templateFilter(mqtt),
        topic,
        schemaName,
        subject: fillTemplate(entry.subject, { type, topic }),
        tags: { ...entry.tags },
        schema,
        fields: discoverFields(schema.json),
        subscribe: entry.subscribe,
      });
    }
  });
  return out;
}

/** Loads the output schemas named in `registry.schemas`. */
export function loadOutputSchemas(config: PipelineConfig, baseDir: string): OutputSchemas {
  const dir = config.registry.schemasDir;
  const names = config.registry.schemas;
  return {
    windowResult: loadAt('registry.schemas.windowResult', names.windowResult, baseDir, dir),
    anomaly: loadAt('registry.schemas.anomaly', names.anomaly, baseDir, dir),
    deviceStatus: loadAt('registry.schemas.deviceStatus', names.deviceStatus, baseDir, dir),
    command: loadAt('commands.schema', config.commands.schema, baseDir, dir),
  };
}

/** Name of a window in topic names: its `name`, else its size (`1m`, `1h`). */
export function windowName(window: WindowEntry): string {
  return window.name ?? formatDuration(window.size);
}

/**
 * The topic of a window's results for a reading topic (DESIGN: `telemetry.<type>.agg.<size>`).
 *
 * @example windowTopic('telemetry.environment', { size: 60000, grace: 10000 }) // 'telemetry.environment.agg.1m'
 */
export function windowTopic(readingTopic: string, window: WindowEntry): string {
  return `${readingTopic}.agg.${windowName(window)}`;
}
