/**
 * The ONE pipeline config: `loadPipelineConfig()` reads config/pipeline.yaml (or IOTP_CONFIG),
 * applies `${VAR}` references and `IOTP_<SECTION>__<KEY>` overrides, validates every section and
 * loads the schemas of the routes. Sections live in `sections/`, one file per component.
 */
export { configErrorOf, describeIssues, formatKey } from './config-errors.js';
export { renderConfigDocs } from './docs.js';
export { formatDuration, parseDuration } from './duration.js';
export {
  ENRICHMENT_FIELDS,
  type EnrichedStream,
  enrichedSchema,
  enrichedStreams,
  enrichedTopic,
  fleetTopic,
  fleetTopics,
} from './enriched-topics.js';
export { applyOverrides, ENV_PREFIX, envOverrides, envVarForPath } from './env-overrides.js';
export { interpolate, secretsInFile } from './interpolate.js';
export {
  DEFAULT_CONFIG_FILE,
  type LoadedPipelineConfig,
  type LoadPipelineConfigOptions,
  loadPipelineConfig,
} from './load.js';
export {
  type EventRoute,
  loadOutputSchemas,
  type OutputSchemas,
  type ReadingRoute,
  resolveEventRoutes,
  resolveReadingRoutes,
  schemaPath,
  windowName,
  windowTopic,
} from './reading-routes.js';
export { type PipelineConfig, pipelineConfigSchema } from './schema.js';
export type { CommandsSection } from './sections/commands.js';
export type { DetectorsSection } from './sections/detectors.js';
export { type EnrichSection, FLEET_DIMENSIONS, type FleetDimension } from './sections/enrich.js';
export type { KafkaSection } from './sections/kafka.js';
export type { MqttSection } from './sections/mqtt.js';
export type { RegistrySection } from './sections/registry.js';
export type { RouteEntry, RoutesSection } from './sections/routes.js';
export type { SinkSection } from './sections/sink.js';
export type { StreamsSection, WindowEntry } from './sections/streams.js';
export { type PipelineSubject, pipelineSubjects, type SubjectRole } from './subjects.js';
export { checkTopicTemplate, fillTemplate, templateFilter } from './topic-template.js';
