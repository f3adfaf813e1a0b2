import { compileTopicTemplate, fillTemplate } from '../../lib/config/topic-template.js';

/** A deviceId that cannot be one MQTT topic level (or would be a wildcard), and why. */
export function badDeviceLevel(deviceId: string): string | undefined {
  if (deviceId.length === 0) return 'the deviceId is empty';
  if (/[/+#]/.test(deviceId)) return `the deviceId '${deviceId}' contains / + or #, so it is not one topic level`;
  if ([...deviceId].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return 'the deviceId contains a control character';
  if (deviceId.startsWith('$')) return `the deviceId '${deviceId}' starts with $ (reserved for broker topics)`;
  return undefined;
}

/**
 * The MQTT topic of a device's commands, from `commands.mqttTopic`.
 *
 * @example
 *   const topicFor = commandTopicTemplate('devices/{deviceId}/cmd');
 *   topicFor('dev-1');   // { ok: true, topic: 'devices/dev-1/cmd' }
 *   topicFor('a/b');     // { ok: false, problem: "the deviceId 'a/b' contains / + or #, ..." }
 */
export function commandTopicTemplate(
  template: string,
): (deviceId: string) => { ok: true; topic: string } | { ok: false; problem: string } {
  compileTopicTemplate(template, 'commands.mqttTopic');
  return (deviceId) => {
    const problem = badDeviceLevel(deviceId);
    if (problem) return { ok: false, problem };
    return { ok: true, topic: fillTemplate(template, { deviceId }) };
  };
}
