import { describe, expect, it } from 'vitest';
import type { Command } from '../../schemas/generated/command.js';
import { commandTopicTemplate } from './command-topic.js';
import { planCommand } from './plan-command.js';

const base: Command = {
  deviceId: 'd1',
  name: 'recalibrate',
  payload: '',
  expiry: 2_000,
  correlationId: 'c-1',
  ts: 1_000,
  source: '',
};
const options = { topicFor: commandTopicTemplate('devices/{deviceId}/cmd'), nowMs: 1_500 };

describe('planCommand', () => {
  it('publishes a live command to its device topic', () => {
    const plan = planCommand(base, 'd1', options);
    expect(plan).toMatchObject({ kind: 'publish', topic: 'devices/d1/cmd' });
  });

  it('dead-letters an expired command (COMMAND_EXPIRED), saying when it expired', () => {
    const plan = planCommand(base, 'd1', { ...options, nowMs: 2_000 });
    expect(plan).toMatchObject({
      kind: 'reject',
      rejection: {
        reason: 'COMMAND_EXPIRED',
        code: 'MQTT_SINK_COMMAND_EXPIRED',
        message: /expired at 1970-01-01T00:00:02.000Z/,
      },
    });
  });

  it('dead-letters what cannot be published (COMMAND_INVALID): key mismatch, bad device id, bad payload', () => {
    expect(planCommand(base, 'd2', options)).toMatchObject({ rejection: { code: 'MQTT_SINK_KEY_MISMATCH' } });
    expect(planCommand({ ...base, deviceId: 'd1/#' }, null, options)).toMatchObject({
      rejection: { reason: 'COMMAND_INVALID', code: 'MQTT_SINK_BAD_DEVICE_ID' },
    });
    expect(planCommand({ ...base, payload: '[]' }, 'd1', options)).toMatchObject({
      rejection: { reason: 'COMMAND_INVALID', code: 'MQTT_SINK_BAD_PAYLOAD' },
    });
  });

  it('checks expiry first: an expired command is expired even if also malformed', () => {
    expect(planCommand({ ...base, payload: '[' }, 'd1', { ...options, nowMs: 9_999 })).toMatchObject({
      rejection: { reason: 'COMMAND_EXPIRED' },
    });
  });
});
