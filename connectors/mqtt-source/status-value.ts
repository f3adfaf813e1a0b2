import type { AvroSchema } from './avro-schema.js';
import type { Rejection } from './dead-letter-reason.js';
import type { DeviceStatus } from './parse-device-status.js';
import type { SchemaEntry } from './schema-catalog.js';

export interface StatusFacts {
  deviceId: string;
  status: DeviceStatus;
  ts: number;
  segments: Readonly<Record<string, string>>;
}

export type StatusValueResult = { ok: true; value: Record<string, unknown> } | { ok: false; rejection: Rejection };

/**
 * The device-status record value (schemas/device-status.avsc) for a status seen on MQTT: the
 * topic's segments fill fields of the same name (e.g. site), `status` takes the enum symbol that
 * matches case-insensitively (`online` -> `ONLINE`), `reason` says it came from MQTT.
 *
 * @example statusValue(entry, { deviceId: 'd1', status: 'offline', ts, segments: { site: 'lab' } })
 */
export function statusValue(entry: SchemaEntry, facts: StatusFacts): StatusValueResult {
  const candidate: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(facts.segments)) if (entry.fields.has(name)) candidate[name] = value;
  candidate.deviceId = facts.deviceId;
  candidate.ts = facts.ts;
  candidate.status = enumSymbol(entry.schema, 'status', facts.status) ?? facts.status;
  if (entry.fields.has('reason')) candidate.reason = `MQTT status message: ${facts.status}`;
  const conformed = entry.conform(candidate);
  if (!conformed.ok) {
    const v = conformed.violation;
    return { ok: false, rejection: { reason: v.reason, field: v.field, rule: v.rule, message: v.message } };
  }
  return { ok: true, value: conformed.value as Record<string, unknown> };
}

function enumSymbol(schema: AvroSchema, field: string, wanted: string): string | undefined {
  if (typeof schema === 'string' || Array.isArray(schema)) return undefined;
  const type = schema.fields?.find((f) => f.name === field)?.type;
  if (type === undefined || typeof type === 'string' || Array.isArray(type) || type.type !== 'enum') return wanted;
  return (type.symbols ?? []).find((s) => s.toLowerCase() === wanted.toLowerCase());
}
