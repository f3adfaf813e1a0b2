import type { LoadedPipelineConfig } from '../config/index.js';
import { enrichedStreams, fleetTopics, windowTopic } from '../config/index.js';
import type { TopicSpec } from '../kafka/types.js';

/**
 * Every topic the pipeline's stages read or write, from the config: raw readings per route, window
 * results per route and window size, event routes' topics (command status), commands, anomalies, device status (compacted: the latest status per
 * device), with `enrich.enabled` the enriched and fleet topics, late records and dead letters. The stream runtime creates its own changelog topics.
 *
 * @example
 *   pipelineTopics(config).map((t) => t.topic); // ['telemetry.anomalies', 'telemetry.device-status', 'telemetry.dlq', ...]
 */
export function pipelineTopics(config: LoadedPipelineConfig): TopicSpec[] {
  const partitions = config.kafka.topics.partitions;
  const specs = new Map<string, TopicSpec>();
  const add = (topic: string, extra: Partial<TopicSpec> = {}) => {
    if (!specs.has(topic)) specs.set(topic, { topic, partitions, ...extra });
  };
  for (const route of config.readingRoutes) {
    add(route.topic);
    for (const window of config.streams.windows) add(windowTopic(route.topic, window));
  }
  for (const route of config.eventRoutes) add(route.topic);
  add(config.commands.topic);
  add(config.kafka.topics.anomalies);
  add(config.kafka.topics.deviceStatus, { config: { 'cleanup.policy': 'compact' } });
  // The device registry: the latest record per device, a tombstone removes it (docs/DEVICES.md).
  add(config.devices.topic, { config: { 'cleanup.policy': 'compact' } });
  // Enrichment (enrich.enabled): enriched readings and anomalies, and the fleet views' window results.
  for (const e of enrichedStreams(config)) add(e.enrichedTopic);
  for (const f of fleetTopics(config)) add(f.topic);
  add(config.streams.lateTopic);
  add(config.kafka.topics.dlq);
  return [...specs.values()].sort((a, b) => a.topic.localeCompare(b.topic));
}
