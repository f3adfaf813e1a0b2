import type { Command } from '../../schemas/generated/command.js';
import { type EncodedCommand, encodeCommandMessage } from './command-payload.js';
import { isExpired } from './expiry.js';

/** Why the sink does not publish a command: a code of the dead-letter reason table and a sentence. */
export interface CommandRejection {
  reason: 'COMMAND_EXPIRED' | 'COMMAND_INVALID';
  code: string;
  message: string;
}

export type CommandPlan =
  | { kind: 'publish'; topic: string; bytes: Buffer; command: Command }
  | { kind: 'reject'; rejection: CommandRejection };

export interface PlanOptions {
  topicFor(deviceId: string): { ok: true; topic: string } | { ok: false; problem: string };
  nowMs: number;
}

/**
 * The sink's pure core: one decoded command (and its record key) in, what to do with it out:
 * publish these bytes to this topic, or dead-letter it (expired, or unpublishable).
 *
 * @example
 *   planCommand(command, 'd1', { topicFor: commandTopicTemplate('devices/{deviceId}/cmd'), nowMs: Date.now() });
 *   // { kind: 'publish', topic: 'devices/d1/cmd', bytes: <JSON> }
 */
export function planCommand(command: Command, key: string | null, options: PlanOptions): CommandPlan {
  const reject = (reason: CommandRejection['reason'], code: string, message: string): CommandPlan => ({
    kind: 'reject',
    rejection: { reason, code, message },
  });
  if (isExpired(command, options.nowMs))
    return reject(
      'COMMAND_EXPIRED',
      'MQTT_SINK_COMMAND_EXPIRED',
      `command ${command.correlationId} (${command.name}) for ${command.deviceId} expired at ${new Date(command.expiry ?? 0).toISOString()}, ${options.nowMs - (command.expiry ?? 0)} ms before it could be published`,
    );
  if (key !== null && key !== command.deviceId)
    return reject(
      'COMMAND_INVALID',
      'MQTT_SINK_KEY_MISMATCH',
      `the record key '${key}' is not the command's deviceId '${command.deviceId}'`,
    );
  const topic = options.topicFor(command.deviceId);
  if (!topic.ok) return reject('COMMAND_INVALID', 'MQTT_SINK_BAD_DEVICE_ID', topic.problem);
  const encoded: EncodedCommand = encodeCommandMessage(command);
  if (!encoded.ok) return reject('COMMAND_INVALID', 'MQTT_SINK_BAD_PAYLOAD', encoded.problem);
  return { kind: 'publish', topic: topic.topic, bytes: encoded.bytes, command };
}
