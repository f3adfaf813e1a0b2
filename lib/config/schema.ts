import { z } from 'zod';
import { formatDuration } from './duration.js';
import { archiveSection } from './sections/archive.js';
import { commandsSection } from './sections/commands.js';
import { detectorsSection } from './sections/detectors.js';
import { devicesSection } from './sections/devices.js';
import { enrichSection } from './sections/enrich.js';
import { kafkaSection } from './sections/kafka.js';
import { mqttSection } from './sections/mqtt.js';
import { registrySection } from './sections/registry.js';
import { routesSection } from './sections/routes.js';
import { sinkSection } from './sections/sink.js';
import { streamsSection } from './sections/streams.js';
import { checkTopicTemplate, fillTemplate, placeholdersOf, templateFilter } from './topic-template.js';

type Issue = { path: (string | number)[]; message: string };
type Parsed = {
  kafka: z.output<typeof kafkaSection>;
  routes: z.output<typeof routesSection>;
  streams: z.output<typeof streamsSection>;
  sink: z.output<typeof sinkSection>;
  mqtt: z.output<typeof mqttSection>;
  devices: z.output<typeof devicesSection>;
  commands: z.output<typeof commandsSection>;
};

function routeIssues(config: Parsed): Issue[] {
  const issues: Issue[] = [];
  const filters = new Map<string, number>();
  const topicOfType = new Map<string, { topic: string; route: number }>();
  const reserved = new Map<string, string>([
    [config.kafka.topics.dlq, 'kafka.topics.dlq'],
    [config.kafka.topics.anomalies, 'kafka.topics.anomalies'],
    [config.kafka.topics.deviceStatus, 'kafka.topics.deviceStatus'],
    [config.streams.lateTopic, 'streams.lateTopic'],
    [config.devices.topic, 'devices.topic'],
    [config.commands.topic, 'commands.topic'],
  ]);
  config.routes.forEach((route, i) => {
    const at = (key: string, message: string) => issues.push({ path: ['routes', i, key], message });
    if ((route.type === undefined) === (route.types === undefined)) {
      at('type', 'expected either type (one reading type) or types (a list), not both and not neither');
      return;
    }
    const check = checkTopicTemplate(route.mqtt);
    if (!check.ok) {
      at('mqtt', check.problem);
      return;
    }
    const types = route.types ?? [route.type as string];
    if (route.types && route.types.length > 1 && !check.placeholders.includes('type')) {
      at('mqtt', `expected a {type} level: the route lists ${route.types.length} types, so the topic must say which`);
    }
    for (const key of ['topic', 'schema', 'subject'] as const) {
      const allowed = key === 'subject' ? ['type', 'topic'] : ['type'];
      const bad = placeholdersOf(route[key]).filter((p) => !allowed.includes(p));
      if (bad.length > 0)
        at(key, `unknown placeholder {${bad[0]}}: expected only ${allowed.map((a) => `{${a}}`).join(' or ')}`);
    }
    for (const type of types) {
      const filter = templateFilter(fillTemplate(route.mqtt, { type }));
      const previous = filters.get(filter);
      if (previous !== undefined) {
        at('mqtt', `MQTT topics ${filter} are already routed by routes[${previous}] (type ${type})`);
      }
      filters.set(filter, i);
      const topic = fillTemplate(route.topic, { type });
      if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) at('topic', `'${topic}' is not a valid Kafka topic name`);
      const reservedBy = reserved.get(topic);
      if (reservedBy) at('topic', `'${topic}' is already used by ${reservedBy}`);
      const known = topicOfType.get(type);
      if (known && known.topic !== topic) {
        at('topic', `type ${type} already goes to ${known.topic} (routes[${known.route}]); one topic per type`);
      }
      topicOfType.set(type, { topic, route: i });
    }
  });
  return issues;
}

function windowIssues(config: Parsed): Issue[] {
  const issues: Issue[] = [];
  const names = new Map<string, number>();
  config.streams.windows.forEach((w, i) => {
    const at = (key: string, message: string) => issues.push({ path: ['streams', 'windows', i, key], message });
    if (w.size <= 0) at('size', 'expected a window size above 0');
    if (w.hop !== undefined && (w.hop <= 0 || w.hop > w.size)) {
      at('hop', `expected 0 < hop <= size (${formatDuration(w.size)}), got ${formatDuration(w.hop)}`);
    }
    if (w.retention !== undefined && w.retention < w.size + w.grace) {
      at(
        'retention',
        `expected at least size + grace = ${formatDuration(w.size + w.grace)} (grace ${formatDuration(w.grace)} is longer than the window is retained), got ${formatDuration(w.retention)}`,
      );
    }
    const name = w.name ?? formatDuration(w.size);
    const previous = names.get(name);
    if (previous !== undefined) at('name', `window name ${name} is already used by streams.windows[${previous}]`);
    names.set(name, i);
  });
  return issues;
}

function otherIssues(config: Parsed): Issue[] {
  const issues: Issue[] = [];
  const influx = config.sink.influx;
  if (influx.api === 'v1' && !influx.db) {
    issues.push({
      path: ['sink', 'influx', 'db'],
      message: 'expected a database name: the v1 API writes to /write?db=<db>',
    });
  }
  if (influx.api === 'v2' && !influx.bucket) {
    issues.push({
      path: ['sink', 'influx', 'bucket'],
      message:
        'expected a bucket: the v2 API writes to /api/v2/write?bucket=<bucket> (InfluxDB 1.8: database/retention-policy)',
    });
  }
  if ((config.mqtt.certFile === undefined) !== (config.mqtt.keyFile === undefined)) {
    const missing = config.mqtt.certFile === undefined ? 'certFile' : 'keyFile';
    issues.push({ path: ['mqtt', missing], message: 'expected both certFile and keyFile for mutual TLS, or neither' });
  }
  if (config.sink.retries.initialBackoff > config.sink.retries.maxBackoff) {
    issues.push({ path: ['sink', 'retries', 'initialBackoff'], message: 'expected initialBackoff <= maxBackoff' });
  }
  const minimums: [(string | number)[], number | undefined, number, string][] = [
    [['sink', 'lagInterval'], config.sink.lagInterval, 100, '100ms'],
    [['sink', 'sessionTimeout'], config.sink.sessionTimeout, 6000, '6s (the broker refuses shorter sessions)'],
    [['streams', 'sessionTimeout'], config.streams.sessionTimeout, 6000, '6s (the broker refuses shorter sessions)'],
    [['commands', 'sessionTimeout'], config.commands.sessionTimeout, 6000, '6s (the broker refuses shorter sessions)'],
  ];
  for (const [path, value, min, shown] of minimums) {
    if (value !== undefined && value < min)
      issues.push({ path, message: `expected at least ${shown}, got ${formatDuration(value)}` });
  }
  const commandTemplate = checkTopicTemplate(config.commands.mqttTopic);
  if (!commandTemplate.ok) issues.push({ path: ['commands', 'mqttTopic'], message: commandTemplate.problem });
  else if (commandTemplate.placeholders.length !== 1)
    issues.push({
      path: ['commands', 'mqttTopic'],
      message: `expected {deviceId} as the only placeholder (a command names nothing else), got {${commandTemplate.placeholders.join('}, {')}}`,
    });
  if (config.streams.lateTopic === config.kafka.topics.dlq) {
    issues.push({ path: ['streams', 'lateTopic'], message: 'expected a topic other than the dead-letter topic' });
  }
  return issues;
}

/**
 * The whole pipeline config: one section per component (each in `sections/`, owned by its
 * component) plus the rules that span sections (routes vs topics, grace vs retention, API vs
 * database or bucket). `version` guards against reading a file written for another layout.
 *
 * @example
 *   const config = pipelineConfigSchema.parse(YAML.parse(text));
 */
export const pipelineConfigSchema = z
  .object({
    version: z
      .literal(1, { error: 'expected 1 (the config layout this code reads)' })
      .default(1)
      .describe('Config layout version.'),
    kafka: kafkaSection,
    registry: registrySection,
    routes: routesSection,
    streams: streamsSection,
    detectors: detectorsSection,
    sink: sinkSection,
    mqtt: mqttSection,
    archive: archiveSection,
    devices: devicesSection,
    commands: commandsSection,
    enrich: enrichSection,
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const issue of [...routeIssues(config), ...windowIssues(config), ...otherIssues(config)]) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: undefined });
    }
  });

export type PipelineConfig = z.output<typeof pipelineConfigSchema>;
