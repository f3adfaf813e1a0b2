import { isPlainObject, show } from './conform-to-avro.js';
import type { Rejection } from './dead-letter-reason.js';

export type DeviceStatus = 'online' | 'offline';

export type DeviceStatusResult =
  | { ok: true; status: DeviceStatus; ts?: unknown }
  | { ok: true; cleared: true }
  | { ok: false; rejection: Rejection };

/**
 * Parses a device's status payload (its retained `.../status` message or Last Will): the plain
 * text `online`/`offline`, a JSON string of either, or `{"status": "online", "ts": ...}`. An empty
 * payload clears a retained message and carries no status.
 *
 * @example
 *   parseDeviceStatus(Buffer.from('offline'))                       // { ok: true, status: 'offline' }
 *   parseDeviceStatus(Buffer.from('{"status":"online","ts":1}'))   // { ok: true, status: 'online', ts: 1 }
 */
export function parseDeviceStatus(payload: Buffer): DeviceStatusResult {
  if (payload.byteLength === 0) return { ok: true, cleared: true };
  const text = payload.toString('utf8').trim();
  const plain = asStatus(text);
  if (plain) return { ok: true, status: plain };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail(
      'INVALID_JSON',
      '(payload)',
      'status',
      `status payload must be online, offline or JSON, got ${show(text)}`,
    );
  }
  if (typeof parsed === 'string') {
    const status = asStatus(parsed);
    if (status) return { ok: true, status };
  }
  if (isPlainObject(parsed)) {
    const status = typeof parsed.status === 'string' ? asStatus(parsed.status) : undefined;
    if (status) return { ok: true, status, ts: parsed.ts };
    return fail(
      'SCHEMA_VIOLATION',
      'status',
      'enum',
      `status must be "online" or "offline", got ${show(parsed.status)}`,
    );
  }
  return fail('SCHEMA_VIOLATION', 'status', 'enum', `status must be "online" or "offline", got ${show(parsed)}`);
}

function asStatus(text: string): DeviceStatus | undefined {
  const lower = text.toLowerCase();
  return lower === 'online' || lower === 'offline' ? lower : undefined;
}

function fail(reason: Rejection['reason'], field: string, rule: string, message: string): DeviceStatusResult {
  return { ok: false, rejection: { reason, field, rule, message } };
}
