import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileTopicTemplate } from '../../../lib/config/topic-template.js';
import { repoRoot } from '../../../lib/runtime/stack-env.js';
import type { AvroSchema } from '../avro-schema.js';
import { createGatewayPolicy } from '../gateway-policy.js';
import type { MqttMessage } from '../mqtt-message.js';
import type { ProcessOptions } from '../process-message.js';
import { createRouteTable } from '../route-table.js';
import { createSchemaCatalog } from '../schema-catalog.js';

/** The project's schema files, as the connector loads them. */
export function projectSchema(name: string): AvroSchema {
  return JSON.parse(readFileSync(join(repoRoot, 'schemas', `${name}.avsc`), 'utf8')) as AvroSchema;
}

export const RECEIVED_AT = Date.parse('2025-03-01T12:00:00Z');

export function message(topic: string, payload: string | Buffer, extra: Partial<MqttMessage> = {}): MqttMessage {
  return {
    topic,
    payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
    qos: 1,
    retain: false,
    dup: false,
    receivedAt: RECEIVED_AT,
    ...extra,
  };
}

export function processOptions(overrides: Partial<ProcessOptions> = {}): ProcessOptions {
  return {
    routes: createRouteTable([
      { mqtt: 'sensors/{site}/{deviceId}/{type}', topic: 'telemetry.{type}', schema: '{type}' },
    ]),
    schemas: createSchemaCatalog({
      environment: projectSchema('environment'),
      power: projectSchema('power'),
      'device-status': projectSchema('device-status'),
    }),
    statusTemplate: compileTopicTemplate('sensors/{site}/{deviceId}/status'),
    statusTopic: 'telemetry.device-status',
    statusSchema: 'device-status',
    deadLetterTopic: 'telemetry.dlq',
    maxDeadLetterBytes: 1_000_000,
    maxPayloadBytes: 4096,
    bounds: { maxFutureMs: 5 * 60_000, maxPastMs: 7 * 24 * 3_600_000 },
    gateways: createGatewayPolicy(),
    source: 'mqtt-source-test',
    ...overrides,
  };
}
