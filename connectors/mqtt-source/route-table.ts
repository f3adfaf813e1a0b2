import { ConfigError } from '../../lib/errors.js';
import type { Rejection } from './dead-letter-reason.js';
import {
  compileTopicTemplate,
  fillPlaceholders,
  placeholdersIn,
  type Segments,
  type TopicTemplate,
} from './topic-template.js';

/**
 * One route of the pipeline config: MQTT topic template -> Kafka topic + schema. The Kafka topic
 * and schema may use the template's placeholders. The template must have a `{deviceId}` level: it
 * is the Kafka key and the id the publisher is allowed to speak for.
 *
 * @example
 *   { mqtt: 'sensors/{site}/{deviceId}/{type}', topic: 'telemetry.{type}', schema: '{type}' }
 *   { mqtt: 'sensors/{site}/{deviceId}/power', topic: 'telemetry.power', schema: 'power' }
 */
export interface MqttRouteSpec {
  mqtt: string;
  topic: string;
  schema: string;
  /** Registry subject; default `<topic>-value` (TopicNameStrategy). May use placeholders. */
  subject?: string;
}

export interface ResolvedRoute {
  spec: MqttRouteSpec;
  segments: Segments;
  /** The topic's deviceId segment. */
  deviceId: string;
  kafkaTopic: string;
  schemaName: string;
  subject: string;
}

export type RouteResolution = { ok: true; route: ResolvedRoute } | { ok: false; rejection: Rejection };

/**
 * Routes compiled once: the topic -> route lookup. The most specific template (most literal
 * levels) wins; ties go to the first in config order. (The connector subscribes to the whole
 * namespace the routes live under: `namespace-filter.ts`.)
 *
 * @example
 *   const table = createRouteTable([{ mqtt: 'sensors/{site}/{deviceId}/{type}', topic: 'telemetry.{type}', schema: '{type}' }]);
 *   table.resolve('sensors/lab/d1/environment');    // ok, kafkaTopic 'telemetry.environment'
 */
export interface RouteTable {
  resolve(mqttTopic: string): RouteResolution;
}

interface CompiledRoute {
  spec: MqttRouteSpec;
  template: TopicTemplate;
  order: number;
}

/** `keyPrefix` names the config key in errors (`routes` -> `routes[1].topic`). */
export function createRouteTable(specs: readonly MqttRouteSpec[], keyPrefix = 'routes'): RouteTable {
  if (specs.length === 0) throw new ConfigError(keyPrefix, 'expected at least one route');
  const compiled: CompiledRoute[] = specs.map((spec, order) => {
    const key = `${keyPrefix}[${order}]`;
    const template = compileTopicTemplate(spec.mqtt, `${key}.mqtt`);
    if (!template.names.includes('deviceId'))
      throw new ConfigError(`${key}.mqtt`, `the template must have a {deviceId} level (got '${spec.mqtt}')`);
    for (const field of ['topic', 'schema', 'subject'] as const) {
      const text = spec[field];
      if (text === undefined) continue;
      if (text.length === 0) throw new ConfigError(`${key}.${field}`, 'expected a non-empty string');
      for (const name of placeholdersIn(text))
        if (!template.names.includes(name))
          throw new ConfigError(
            `${key}.${field}`,
            `{${name}} is not a placeholder of '${spec.mqtt}' (expected one of ${template.names.join(', ')})`,
          );
    }
    return { spec, template, order };
  });
  const bySpecificity = [...compiled].sort(
    (a, b) => b.template.literalCount - a.template.literalCount || a.order - b.order,
  );
  // Topics repeat (one per device and type): remember resolutions, bounded.
  const cache = new Map<string, RouteResolution>();
  const resolveUncached = (mqttTopic: string): RouteResolution => {
    for (const route of bySpecificity) {
      const segments = route.template.match(mqttTopic);
      if (!segments) continue;
      const kafkaTopic = fillPlaceholders(route.spec.topic, segments) as string;
      const schemaName = fillPlaceholders(route.spec.schema, segments) as string;
      const subject =
        route.spec.subject === undefined
          ? `${kafkaTopic}-value`
          : (fillPlaceholders(route.spec.subject, segments) as string);
      return {
        ok: true,
        route: { spec: route.spec, segments, deviceId: segments.deviceId as string, kafkaTopic, schemaName, subject },
      };
    }
    return {
      ok: false,
      rejection: {
        reason: 'UNKNOWN_ROUTE',
        rule: 'route',
        message: `no route matches MQTT topic '${mqttTopic}' (templates: ${compiled.map((r) => r.spec.mqtt).join(', ')})`,
      },
    };
  };

  return {
    resolve(mqttTopic) {
      const known = cache.get(mqttTopic);
      if (known) return known;
      const resolved = resolveUncached(mqttTopic);
      if (cache.size >= ROUTE_CACHE_SIZE) cache.clear();
      cache.set(mqttTopic, resolved);
      return resolved;
    },
  };
}

const ROUTE_CACHE_SIZE = 100_000;
