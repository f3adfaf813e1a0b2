import type { Command } from '../../schemas/generated/command.js';

/** What a device receives on its command topic (JSON, UTF-8). */
export interface CommandMessage {
  correlationId: string;
  name: string;
  /** The command's arguments: its `payload` JSON text, parsed (an object; `{}` when empty). */
  args: Record<string, unknown>;
  /** Epoch ms after which the device should not act on it; null: no expiry. */
  expiry: number | null;
  /** When it was issued (epoch ms). */
  ts: number;
}

export type EncodedCommand = { ok: true; message: CommandMessage; bytes: Buffer } | { ok: false; problem: string };

/**
 * The MQTT payload of a command: a JSON object a device can read without Avro. The command's
 * `payload` (a JSON text) must be a JSON object, or empty for none.
 *
 * @example
 *   encodeCommandMessage({ deviceId: 'd1', name: 'recalibrate', payload: '{"field":"temperature"}',
 *     expiry: null, correlationId: 'c-1', ts: 1700000000000, source: 'ops' });
 *   // bytes: {"correlationId":"c-1","name":"recalibrate","args":{"field":"temperature"},"expiry":null,"ts":1700000000000}
 */
export function encodeCommandMessage(command: Command): EncodedCommand {
  let args: unknown = {};
  if (command.payload.trim() !== '') {
    try {
      args = JSON.parse(command.payload);
    } catch (error) {
      return { ok: false, problem: `payload is not JSON: ${(error as Error).message}` };
    }
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    return {
      ok: false,
      problem: `payload must be a JSON object, got ${Array.isArray(args) ? 'an array' : typeof args}`,
    };
  const message: CommandMessage = {
    correlationId: command.correlationId,
    name: command.name,
    args: args as Record<string, unknown>,
    expiry: command.expiry,
    ts: command.ts,
  };
  return { ok: true, message, bytes: Buffer.from(JSON.stringify(message), 'utf8') };
}
