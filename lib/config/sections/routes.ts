import { z } from 'zod';

const NAME_RE = /^[a-z][a-z0-9-]*$/;
const typeName = () =>
  z.string().regex(NAME_RE, { error: 'expected a type name: lower case letters, digits and -, e.g. environment' });

/**
 * `routes:` from MQTT topic templates to Kafka topics and schemas. One entry per reading type
 * (`type`), or one entry for several (`types`) when the template has a `{type}` level.
 * `{name}` levels of the template are captured; `{deviceId}` is required (the Kafka key), `{type}`
 * is replaced by the type, any other becomes a tag. `topic`, `schema` and `subject` may use `{type}`.
 *
 * @example
 *   routes:
 *     - { type: environment, mqtt: 'sensors/{site}/{deviceId}/environment' }
 *     - { types: [power, co2], mqtt: 'meters/{site}/{deviceId}/{type}', tags: { source: meters } }
 *     - { type: command-status, kind: event, subscribe: exact, mqtt: 'devices/{deviceId}/cmd/ack', topic: telemetry.commands.status }
 */
export const routeEntry = z
  .object({
    type: typeName().optional().describe('The reading type this route carries, e.g. environment.'),
    types: z
      .array(typeName())
      .min(1)
      .optional()
      .describe('Several reading types at once: the values {type} stands for in mqtt, topic and schema.'),
    mqtt: z
      .string()
      .min(1)
      .describe('MQTT topic template, e.g. sensors/{site}/{deviceId}/{type}; {name} is one level.'),
    topic: z.string().min(1).default('telemetry.{type}').describe('Kafka topic of the readings.'),
    schema: z
      .string()
      .min(1)
      .default('{type}')
      .describe(
        'Schema: an .avsc base name in registry.schemasDir, or a path ending in .avsc (relative to the config file).',
      ),
    subject: z
      .string()
      .min(1)
      .default('{topic}-value')
      .describe('Registry subject (TopicNameStrategy: <topic>-value).'),
    tags: z
      .record(z.string(), z.string())
      .default({})
      .describe('Static tags added to every reading of the route (low cardinality).'),
    kind: z
      .enum(['reading', 'event'])
      .default('reading')
      .describe(
        'reading: aggregated, watched by the detectors, written to InfluxDB. event (e.g. a command status): only routed to its Kafka topic; its schema needs deviceId and ts but no numeric field.',
      ),
    subscribe: z
      .enum(['namespace', 'exact'])
      .default('namespace')
      .describe(
        "namespace: the MQTT source subscribes to the template's literal levels before its first placeholder, then # (a topic no route matches is dead-lettered). exact: to the template's own filter only, for a namespace others publish in (devices/+/cmd/ack beside the commands on devices/+/cmd).",
      ),
  })
  .strict();

export const routesSection = z
  .array(routeEntry)
  .min(1, { error: 'expected at least one route' })
  .describe('Routes from MQTT topics to Kafka topics and schemas; adding a sensor type is one entry.');

export type RouteEntry = z.output<typeof routeEntry>;
export type RoutesSection = z.output<typeof routesSection>;
