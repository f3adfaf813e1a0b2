import { ConfigError } from '../errors.js';
import { parseAvroSchema } from '../serde/avro-schema.js';
import type { LocalSchema } from '../serde/schema-file.js';
import type { LoadedPipelineConfig } from './load.js';
import { windowName } from './reading-routes.js';
import type { FleetDimension } from './sections/enrich.js';
import type { WindowEntry } from './sections/streams.js';

/** The fields enrichment adds to a record (after the record's own). */
export const ENRICHMENT_FIELDS = ['model', 'firmware', 'deviceTags'] as const;

/**
 * The topic of a topic's enriched records.
 *
 * @example enrichedTopic('telemetry.environment') // 'telemetry.environment.enriched'
 */
export function enrichedTopic(topic: string): string {
  return `${topic}.enriched`;
}

/**
 * The topic of a fleet view's window results.
 *
 * @example fleetTopic('telemetry.environment', 'site', { size: 60000, grace: 10000 }) // 'telemetry.environment.agg.site.1m'
 */
export function fleetTopic(readingTopic: string, by: FleetDimension, window: WindowEntry): string {
  return `${readingTopic}.agg.${by}.${windowName(window)}`;
}

/**
 * The schema of an enriched topic, derived from the record's own schema: the same fields, then
 * `model`, `firmware` (strings, default '') and `deviceTags` (map of strings, default {}), named
 * `<name>Enriched`. Derived rather than written, so a new sensor type needs no second .avsc; a
 * compatible change of the reading schema is a compatible change of its enriched schema.
 *
 * @throws ConfigError when the schema already has one of those fields
 * @example
 *   enrichedSchema(loadSchemaFile('schemas/environment.avsc')).name; // 'iotp.telemetry.EnvironmentReadingEnriched'
 */
export function enrichedSchema(base: LocalSchema): LocalSchema {
  const json = base.json as { name?: string; doc?: string; fields?: { name: string }[] };
  if (typeof json !== 'object' || !Array.isArray(json.fields))
    throw new ConfigError('enrich', `${base.baseName}: expected a record schema to enrich`);
  const clash = json.fields.find((f) => (ENRICHMENT_FIELDS as readonly string[]).includes(f.name));
  if (clash)
    throw new ConfigError(
      'enrich',
      `${base.baseName}: field ${clash.name} is one enrichment adds (${ENRICHMENT_FIELDS.join(', ')})`,
    );
  const enriched = {
    ...json,
    name: `${json.name}Enriched`,
    doc: `${json.doc ?? ''} Enriched with the device registry (model, firmware, deviceTags; site from the registry when it has one). Topic: <topic>.enriched.`.trim(),
    fields: [
      ...json.fields,
      {
        name: 'model',
        type: 'string',
        default: '',
        doc: 'Hardware model from the device registry; empty when the registry does not hold the device.',
      },
      {
        name: 'firmware',
        type: 'string',
        default: '',
        doc: 'Firmware version from the device registry; empty when unknown.',
      },
      {
        name: 'deviceTags',
        type: { type: 'map', values: 'string' },
        default: {},
        doc: 'Tags of the device in the registry (InfluxDB tags).',
      },
    ],
  };
  const parsed = parseAvroSchema(enriched);
  return {
    ...parsed,
    file: base.file,
    baseName: `${base.baseName}.enriched`,
    source: JSON.stringify(enriched, null, 2),
  };
}

/** One topic the enrich topology reads and the topic and schema it writes. */
export interface EnrichedStream {
  /** Reading type, or 'anomalies'. */
  kind: 'reading' | 'anomaly';
  type: string;
  topic: string;
  enrichedTopic: string;
  schema: LocalSchema;
}

/** The streams the enrich topology enriches (none unless `enrich.enabled`): every reading route, then anomalies. */
export function enrichedStreams(config: LoadedPipelineConfig): EnrichedStream[] {
  if (!config.enrich.enabled) return [];
  const out: EnrichedStream[] = config.readingRoutes.map((r) => ({
    kind: 'reading',
    type: r.type,
    topic: r.topic,
    enrichedTopic: enrichedTopic(r.topic),
    schema: enrichedSchema(r.schema),
  }));
  if (config.enrich.anomalies) {
    const topic = config.kafka.topics.anomalies;
    out.push({
      kind: 'anomaly',
      type: 'anomalies',
      topic,
      enrichedTopic: enrichedTopic(topic),
      schema: enrichedSchema(config.outputSchemas.anomaly),
    });
  }
  return out;
}

/** Every fleet view's topic (none unless `enrich.enabled`): reading route x `enrich.fleet.by` x window. */
export function fleetTopics(
  config: LoadedPipelineConfig,
): { topic: string; type: string; by: FleetDimension; window: WindowEntry }[] {
  if (!config.enrich.enabled) return [];
  return config.readingRoutes.flatMap((r) =>
    config.enrich.fleet.by.flatMap((by) =>
      config.enrich.fleet.windows.map((window) => ({
        topic: fleetTopic(r.topic, by, window),
        type: r.type,
        by,
        window,
      })),
    ),
  );
}
