import { type ConformResult, isPlainObject, show } from './conform-to-avro.js';
import type { Rejection } from './dead-letter-reason.js';
import { eventTime, type TimeBounds } from './event-time.js';
import type { ResolvedRoute } from './route-table.js';

/** A validated reading, ready to encode: Kafka key, event time and the Avro value. */
export interface Reading {
  deviceId: string;
  /** Event time in epoch ms: the record timestamp. */
  ts: number;
  /** `received`: the payload had no ts and the receive time stands in (a header says so). */
  tsSource: 'payload' | 'received';
  value: Record<string, unknown>;
}

export interface ReadingContext {
  route: ResolvedRoute;
  conform(value: unknown): ConformResult;
  /** Top-level field names of the route's schema. */
  schemaFields: ReadonlySet<string>;
  receivedAt: number;
  bounds: TimeBounds;
  /**
   * Set for the elements of a JSON array (a gateway batch): the publisher is the topic's
   * deviceId (Mosquitto's ACL checked it) and may speak for the leaves this function allows.
   */
  gateway?: { mayPublishFor(gatewayId: string, leafId: string): boolean };
  /** The device registry's say on the reading's device (absent: every device passes). */
  devices?: { admit(deviceId: string): Rejection | undefined };
}

export type ReadingResult = { ok: true; reading: Reading } | { ok: false; rejection: Rejection };

/**
 * Turns one parsed JSON object (which it completes in place: pass a value nobody else reads) into a reading of the route's schema: deviceId from the payload or
 * the topic (a different one is DEVICE_SPOOFED unless a gateway may speak for it), the topic's other
 * segments filled into schema fields of the same name (a payload value that disagrees is refused),
 * `ts` as event time within bounds, and the rest validated against the schema.
 *
 * @example
 *   buildReading({ temperature: 21 }, ctx)
 *   // { ok: true, reading: { deviceId: 'd1', ts: <receivedAt>, tsSource: 'received', value: {...} } }
 */
export function buildReading(raw: unknown, ctx: ReadingContext): ReadingResult {
  if (!isPlainObject(raw))
    return reject('SCHEMA_VIOLATION', '(payload)', 'type:object', `a reading must be a JSON object, got ${show(raw)}`);
  const topicDevice = ctx.route.deviceId;
  let deviceId = topicDevice;
  if (raw.deviceId !== undefined) {
    if (typeof raw.deviceId !== 'string' || raw.deviceId.length === 0)
      return reject(
        'SCHEMA_VIOLATION',
        'deviceId',
        'type:string',
        `deviceId must be a non-empty string, got ${show(raw.deviceId)}`,
      );
    if (raw.deviceId !== topicDevice) {
      if (!ctx.gateway)
        return reject(
          'DEVICE_SPOOFED',
          'deviceId',
          'matches-topic',
          `payload deviceId ${show(raw.deviceId)} differs from the topic's deviceId '${topicDevice}'`,
        );
      if (!ctx.gateway.mayPublishFor(topicDevice, raw.deviceId))
        return reject(
          'DEVICE_SPOOFED',
          'deviceId',
          'gateway-leaf',
          `gateway '${topicDevice}' may not publish for device ${show(raw.deviceId)}`,
        );
    }
    deviceId = raw.deviceId;
  }
  const refused = ctx.devices?.admit(deviceId);
  if (refused) return { ok: false, rejection: refused };

  const time = eventTime(raw.ts, ctx.receivedAt, ctx.bounds);
  if (!time.ok) return { ok: false, rejection: time.rejection };

  // The parsed JSON is this call's own (the raw bytes are what dead letters keep): it is completed
  // in place rather than copied.
  raw.deviceId = deviceId;
  raw.ts = time.ts;
  const segments = ctx.route.segments;
  for (const name in segments) {
    if (name === 'deviceId' || !ctx.schemaFields.has(name)) continue;
    const value = segments[name];
    const given = raw[name];
    if (given !== undefined && given !== value)
      return reject(
        'SCHEMA_VIOLATION',
        name,
        'matches-topic',
        `${name} ${show(given)} in the payload differs from the topic segment '${value}'`,
      );
    raw[name] = value;
  }

  const conformed = ctx.conform(raw);
  if (!conformed.ok) {
    const v = conformed.violation;
    return reject(v.reason, v.field, v.rule, v.message);
  }
  return {
    ok: true,
    reading: { deviceId, ts: time.ts, tsSource: time.source, value: conformed.value as Record<string, unknown> },
  };
}

function reject(reason: Rejection['reason'], field: string, rule: string, message: string): ReadingResult {
  return { ok: false, rejection: { reason, field, rule, message } };
}
