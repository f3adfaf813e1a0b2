import type { LocalSchema } from '../serde/schema-file.js';
import { loadSchemaFile } from '../serde/schema-file.js';
import { enrichedStreams, fleetTopics } from './enriched-topics.js';
import type { LoadedPipelineConfig } from './load.js';
import { schemaPath, windowTopic } from './reading-routes.js';

/** What a subject holds. */
export type SubjectRole =
  | 'reading'
  | 'event'
  | 'command'
  | 'window-result'
  | 'anomaly'
  | 'device-status'
  | 'device'
  | 'enriched';

/** A registry subject the pipeline writes to, with its topic and local schema. */
export interface PipelineSubject {
  subject: string;
  topic: string;
  role: SubjectRole;
  schema: LocalSchema;
}

/**
 * Every subject the pipeline's producers use (TopicNameStrategy): one per reading topic, one per
 * window topic (reading topic x window), event routes, commands, anomalies and device status, and with
 * `enrich.enabled` the enriched topics (derived schemas) and the fleet views' window topics. Sorted by subject.
 *
 * @example
 *   pipelineSubjects(config).map((s) => s.subject)
 *   // ['telemetry.anomalies-value', 'telemetry.device-status-value', 'telemetry.environment-value', 'telemetry.environment.agg.1h-value', ...]
 */
export function pipelineSubjects(config: LoadedPipelineConfig): PipelineSubject[] {
  const out = new Map<string, PipelineSubject>();
  const add = (s: PipelineSubject) => {
    if (!out.has(s.subject)) out.set(s.subject, s);
  };
  for (const r of config.readingRoutes) {
    add({ subject: r.subject, topic: r.topic, role: 'reading', schema: r.schema });
    for (const w of config.streams.windows) {
      const topic = windowTopic(r.topic, w);
      add({ subject: `${topic}-value`, topic, role: 'window-result', schema: config.outputSchemas.windowResult });
    }
  }
  for (const r of config.eventRoutes) add({ subject: r.subject, topic: r.topic, role: 'event', schema: r.schema });
  const commands = config.commands.topic;
  add({ subject: `${commands}-value`, topic: commands, role: 'command', schema: config.outputSchemas.command });
  const { anomalies, deviceStatus } = config.kafka.topics;
  add({ subject: `${anomalies}-value`, topic: anomalies, role: 'anomaly', schema: config.outputSchemas.anomaly });
  add({
    subject: `${deviceStatus}-value`,
    topic: deviceStatus,
    role: 'device-status',
    schema: config.outputSchemas.deviceStatus,
  });
  const devices = config.devices.topic;
  const deviceSchema = loadSchemaFile(
    schemaPath(config.devices.schema, config.source.baseDir, config.registry.schemasDir),
  );
  add({ subject: `${devices}-value`, topic: devices, role: 'device', schema: deviceSchema });
  for (const e of enrichedStreams(config))
    add({ subject: `${e.enrichedTopic}-value`, topic: e.enrichedTopic, role: 'enriched', schema: e.schema });
  for (const { topic } of fleetTopics(config))
    add({ subject: `${topic}-value`, topic, role: 'window-result', schema: config.outputSchemas.windowResult });
  return [...out.values()].sort((a, b) => a.subject.localeCompare(b.subject));
}
