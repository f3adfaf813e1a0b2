import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { badDeviceLevel, commandTopicTemplate } from './command-topic.js';

describe('commandTopicTemplate', () => {
  const topicFor = commandTopicTemplate('devices/{deviceId}/cmd');

  it('fills {deviceId}', () => {
    expect(topicFor('dev-1')).toEqual({ ok: true, topic: 'devices/dev-1/cmd' });
    expect(commandTopicTemplate('plant/{deviceId}/commands/in')('x.y')).toEqual({
      ok: true,
      topic: 'plant/x.y/commands/in',
    });
  });

  it('refuses a deviceId that is not exactly one topic level (it would reach another device or many)', () => {
    for (const id of ['a/b', '+', 'd#', '', '$SYS', 'a\nb']) {
      const r = topicFor(id);
      expect(r.ok, id).toBe(false);
      expect(badDeviceLevel(id), id).toBeDefined();
    }
    expect(badDeviceLevel('sim-000042')).toBeUndefined();
  });

  it('refuses a template with wildcards, naming commands.mqttTopic', () => {
    expect(() => commandTopicTemplate('devices/+/cmd')).toThrow(ConfigError);
    expect(() => commandTopicTemplate('devices/+/cmd')).toThrow(/commands\.mqttTopic/);
  });
});
