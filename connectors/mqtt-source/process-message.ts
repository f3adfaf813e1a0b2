import type { ProducerRecord } from '../../lib/kafka/types.js';
import { buildReading, type Reading, type ReadingContext } from './build-reading.js';
import { isPlainObject } from './conform-to-avro.js';
import type { DeadLetterReason, Rejection } from './dead-letter-reason.js';
import { deadLetterRecord } from './dead-letter-record.js';
import type { DeviceAdmission } from './device-admission.js';
import { eventTime, type TimeBounds } from './event-time.js';
import type { GatewayPolicy } from './gateway-policy.js';
import { H } from './headers.js';
import { type MqttMessage, mqttHeaders } from './mqtt-message.js';
import { parseDeviceStatus } from './parse-device-status.js';
import { oversize, parseJsonPayload } from './parse-json-payload.js';
import type { ResolvedRoute, RouteTable } from './route-table.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { statusValue } from './status-value.js';
import type { TopicTemplate } from './topic-template.js';

/** A record that still needs Avro encoding (a reading or a device status). */
export interface ValueRecord {
  kind: 'value';
  topic: string;
  /** Registry subject the value is encoded under. */
  subject: string;
  schemaName: string;
  key: string;
  timestamp: number;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

/** A dead-letter record (raw bytes, ready to send) and its reason. */
export interface DeadLetter {
  kind: 'dead-letter';
  reason: DeadLetterReason;
  record: ProducerRecord;
}

export type PlannedRecord = ValueRecord | DeadLetter;

/** Everything one MQTT message turns into; the message is PUBACKed once all are in Kafka. */
export interface MessagePlan {
  records: PlannedRecord[];
  /** Readings accepted (value records that are not statuses). */
  readings: number;
  /** A status message that carried nothing (an empty retained payload clearing the status). */
  ignored: boolean;
  /** The topic's deviceId when the topic matched a route or the status template: the key of its dead letters. */
  key?: string;
}

export interface ProcessOptions {
  routes: RouteTable;
  schemas: SchemaCatalog;
  /** Template of the status topic (retained status and Last Will), checked before the routes. */
  statusTemplate?: TopicTemplate;
  statusTopic: string;
  statusSchema: string;
  deadLetterTopic: string;
  /** A dead letter must fit this many bytes (the broker's bound, read at start); its payload is cut past it. */
  maxDeadLetterBytes: number;
  maxPayloadBytes: number;
  bounds: TimeBounds;
  gateways: GatewayPolicy;
  /** The device registry's admission of a reading's device (absent: no registry, every device passes). */
  devices?: DeviceAdmission;
  /** Replica id (MQTT client id) named in dead-letter headers. */
  source: string;
}

/**
 * The connector's pure core: one MQTT message in, the Kafka records to write out. Never throws on
 * bad input: every refusal is a dead-letter record with the raw bytes. A gateway's JSON array gives
 * one record per good reading plus one dead letter (with `error.index`) per bad one.
 *
 * @example
 *   const plan = processMessage(message, options);
 *   // plan.records: [{ kind: 'value', topic: 'telemetry.environment', key: 'd1', ... }]
 */
export function processMessage(message: MqttMessage, options: ProcessOptions): MessagePlan {
  const statusSegments = options.statusTemplate?.match(message.topic);
  if (statusSegments?.deviceId !== undefined) return processStatus(message, statusSegments, options);

  const resolved = options.routes.resolve(message.topic);
  const tooBig = oversize(message.payload, options.maxPayloadBytes);
  if (tooBig) return only(message, options, tooBig, resolved.ok ? resolved.route.deviceId : undefined);
  if (!resolved.ok) return only(message, options, resolved.rejection);
  const route = resolved.route;
  const schema = options.schemas.get(route.schemaName);
  if (!schema)
    return only(
      message,
      options,
      {
        reason: 'UNKNOWN_ROUTE',
        rule: 'schema',
        message: `route '${route.spec.mqtt}' names schema '${route.schemaName}', which does not exist (known: ${options.schemas.names().join(', ')})`,
      },
      route.deviceId,
    );
  const parsed = parseJsonPayload(message.payload, options.maxPayloadBytes);
  if (!parsed.ok) return only(message, options, parsed.rejection, route.deviceId);

  if (Array.isArray(parsed.value)) {
    if (parsed.value.length === 0)
      return only(
        message,
        options,
        {
          reason: 'SCHEMA_VIOLATION',
          field: '(payload)',
          rule: 'non-empty',
          message: 'a gateway batch must hold at least one reading',
        },
        route.deviceId,
      );
    const ctx: ReadingContext = {
      route,
      conform: schema.conform,
      schemaFields: schema.fields,
      receivedAt: message.receivedAt,
      bounds: options.bounds,
      gateway: options.gateways,
      ...(options.devices ? { devices: options.devices } : {}),
    };
    const records: PlannedRecord[] = [];
    let readings = 0;
    for (let index = 0; index < parsed.value.length; index++) {
      const result = buildReading(parsed.value[index], ctx);
      if (result.ok) {
        records.push(valueRecord(message, route, schema.name, result.reading, route.deviceId));
        readings++;
      } else records.push(dead(message, options, result.rejection, route.deviceId, index));
    }
    return { records, readings, ignored: false, key: route.deviceId };
  }
  if (!isPlainObject(parsed.value))
    return only(
      message,
      options,
      {
        reason: 'SCHEMA_VIOLATION',
        field: '(payload)',
        rule: 'type:object',
        message: 'payload must be a JSON object (one reading) or an array of readings (a gateway batch)',
      },
      route.deviceId,
    );
  const result = buildReading(parsed.value, {
    route,
    conform: schema.conform,
    schemaFields: schema.fields,
    receivedAt: message.receivedAt,
    bounds: options.bounds,
    ...(options.devices ? { devices: options.devices } : {}),
  });
  if (!result.ok) return only(message, options, result.rejection, route.deviceId);
  return {
    records: [valueRecord(message, route, schema.name, result.reading)],
    readings: 1,
    ignored: false,
    key: route.deviceId,
  };
}

/** A reading's record: keyed on its deviceId, timestamped with its event time, with the MQTT headers. */
function valueRecord(
  message: MqttMessage,
  route: ResolvedRoute,
  schemaName: string,
  reading: Reading,
  gateway?: string,
): ValueRecord {
  const headers = mqttHeaders(message);
  headers[H.tsSource] = reading.tsSource;
  if (gateway) headers[H.gateway] = gateway;
  return {
    kind: 'value',
    topic: route.kafkaTopic,
    subject: route.subject,
    schemaName,
    key: reading.deviceId,
    timestamp: reading.ts,
    value: reading.value,
    headers,
  };
}

function dead(
  message: MqttMessage,
  options: ProcessOptions,
  rejection: Rejection,
  key?: string,
  index?: number,
): DeadLetter {
  return {
    kind: 'dead-letter',
    reason: rejection.reason,
    record: deadLetterRecord(message, rejection, {
      topic: options.deadLetterTopic,
      source: options.source,
      key,
      index,
      maxBytes: options.maxDeadLetterBytes,
    }),
  };
}

/** The plan of a message refused as a whole: its one dead letter. */
function only(message: MqttMessage, options: ProcessOptions, rejection: Rejection, key?: string): MessagePlan {
  return { records: [dead(message, options, rejection, key)], readings: 0, ignored: false, key };
}

function processStatus(message: MqttMessage, segments: Record<string, string>, options: ProcessOptions): MessagePlan {
  const deviceId = segments.deviceId as string;
  const dead = (rejection: Rejection): MessagePlan => ({
    records: [
      {
        kind: 'dead-letter',
        reason: rejection.reason,
        record: deadLetterRecord(message, rejection, {
          topic: options.deadLetterTopic,
          source: options.source,
          key: deviceId,
          maxBytes: options.maxDeadLetterBytes,
        }),
      },
    ],
    readings: 0,
    ignored: false,
    key: deviceId,
  });
  const tooBig = oversize(message.payload, options.maxPayloadBytes);
  if (tooBig) return dead(tooBig);
  const parsed = parseDeviceStatus(message.payload);
  if (!parsed.ok) return dead(parsed.rejection);
  if ('cleared' in parsed) return { records: [], readings: 0, ignored: true, key: deviceId };
  const time = eventTime(parsed.ts, message.receivedAt, options.bounds);
  if (!time.ok) return dead(time.rejection);
  const schema = options.schemas.get(options.statusSchema);
  if (!schema)
    return dead({
      reason: 'UNKNOWN_ROUTE',
      rule: 'schema',
      message: `status schema '${options.statusSchema}' does not exist`,
    });
  const value = statusValue(schema, { deviceId, status: parsed.status, ts: time.ts, segments });
  if (!value.ok) return dead(value.rejection);
  return {
    records: [
      {
        kind: 'value',
        topic: options.statusTopic,
        subject: `${options.statusTopic}-value`,
        schemaName: schema.name,
        key: deviceId,
        timestamp: time.ts,
        value: value.value,
        headers: { ...mqttHeaders(message), [H.tsSource]: time.source },
      },
    ],
    readings: 0,
    ignored: false,
    key: deviceId,
  };
}
