import { compileTopicTemplate } from '../../lib/config/topic-template.js';
import { ConfigError } from '../../lib/errors.js';
import type { ParsedSchema } from '../../lib/serde/index.js';
import type { AvroSchema } from './avro-schema.js';
import { withMatchCache } from './cached-template.js';
import { createGatewayPolicy } from './gateway-policy.js';
import type { MqttSourceOptions } from './options.js';
import type { ProcessOptions } from './process-message.js';
import { createRouteTable } from './route-table.js';
import { createSchemaCatalog } from './schema-catalog.js';
import { statusTemplateFor } from './status-template.js';

/** The options of `processMessage` and the status topic template they were built with. */
export interface ProcessSetup {
  processOptions: ProcessOptions;
  /** The status template's text (its filter is subscribed beside the routes'). */
  statusText: string;
}

/**
 * What `processMessage` runs with, from the connector's options and its schemas: route table,
 * schema catalog, status template, limits, gateway policy. The connector and `iotp dlq replay` (a
 * replayed MQTT dead letter goes through the same checks) both build it here. `maxDeadLetterBytes`
 * is the client bound until the caller reads the broker's.
 *
 * @example
 *   const { processOptions } = processSetupFor(options, schemas, CLIENT_MAX_RECORD_BYTES);
 */
export function processSetupFor(
  options: MqttSourceOptions,
  schemas: ReadonlyMap<string, ParsedSchema & { json: unknown }>,
  maxDeadLetterBytes: number,
): ProcessSetup {
  const catalog = createSchemaCatalog(
    Object.fromEntries([...schemas].map(([name, s]) => [name, s.json as AvroSchema])),
    { unknownFields: options.unknownFields },
  );
  if (!catalog.get(options.status.schema))
    throw new ConfigError(
      'status.schema',
      `expected a schema in ${options.schemasDir}, got '${options.status.schema}'`,
    );
  const routes = createRouteTable(options.routes);
  const statusText = options.status.template ?? statusTemplateFor(options.routes);
  const statusTemplate = compileTopicTemplate(statusText, 'status.template');
  if (!statusTemplate.names.includes('deviceId'))
    throw new ConfigError('status.template', `the template must have a {deviceId} level (got '${statusText}')`);
  return {
    statusText,
    processOptions: {
      routes,
      schemas: catalog,
      statusTemplate: withMatchCache(statusTemplate),
      statusTopic: options.status.topic,
      statusSchema: options.status.schema,
      deadLetterTopic: options.deadLetterTopic,
      maxDeadLetterBytes,
      maxPayloadBytes: options.limits.maxPayloadBytes,
      bounds: { maxFutureMs: options.limits.maxFutureMs, maxPastMs: options.limits.maxPastMs },
      gateways: createGatewayPolicy(options.gateways),
      source: options.mqtt.clientId,
    },
  };
}
