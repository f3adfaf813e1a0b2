import { ConfigError } from '../../lib/errors.js';
import type { MqttRouteSpec } from './route-table.js';

/**
 * The status topic template beside a device's readings: the first route's template up to its
 * `{deviceId}` level, then `status` (the ACL's `sensors/+/%u/#` lets the device publish it).
 *
 * @example statusTemplateFor([{ mqtt: 'sensors/{site}/{deviceId}/{type}', ... }]) // 'sensors/{site}/{deviceId}/status'
 */
export function statusTemplateFor(routes: readonly MqttRouteSpec[], key = 'status.template'): string {
  const first = routes[0];
  const levels = first?.mqtt.split('/') ?? [];
  const at = levels.indexOf('{deviceId}');
  if (at < 0)
    throw new ConfigError(key, 'expected a template: no route has a {deviceId} level to put the status beside');
  return [...levels.slice(0, at + 1), 'status'].join('/');
}
