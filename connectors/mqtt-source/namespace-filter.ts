import { minimalFilters } from './filter-covers.js';
import { compileTopicTemplate } from './topic-template.js';

/**
 * The MQTT filters of the whole namespace the templates live under: each template's literal levels
 * before its first placeholder, then `#` (`sensors/{site}/{deviceId}/power` -> `sensors/#`). The
 * connector subscribes to these rather than to the routes alone, so a topic that matches no route
 * (an unknown type, an extra level, a site name with a `/` in it) arrives and is dead-lettered as
 * UNKNOWN_ROUTE instead of being PUBACKed by the broker and dropped with no trace.
 *
 * @example
 *   namespaceFilters(['sensors/{site}/{deviceId}/environment', 'sensors/{site}/{deviceId}/status']) // ['sensors/#']
 *   namespaceFilters(['{site}/{deviceId}/x']) // ['#']
 */
export function namespaceFilters(templates: readonly string[]): string[] {
  return minimalFilters(templates.map(namespaceOf));
}

function namespaceOf(template: string): string {
  const levels = template.split('/');
  const first = levels.findIndex((level) => level.startsWith('{'));
  const prefix = first < 0 ? levels : levels.slice(0, first);
  return [...prefix, '#'].join('/');
}

/**
 * The connector's subscription filters: the namespace of each `namespace` route (and of the status
 * template), and the template's own filter for an `exact` route, which lives in a namespace others
 * publish in too (`devices/{deviceId}/cmd/ack` beside the commands on `devices/+/cmd`: its namespace
 * `devices/#` would bring the connector every command as an UNKNOWN_ROUTE dead letter).
 *
 * @example
 *   subscriptionFilters([{ mqtt: 'sensors/{site}/{deviceId}/power', subscribe: 'namespace' },
 *     { mqtt: 'devices/{deviceId}/cmd/ack', subscribe: 'exact' }], ['sensors/{site}/{deviceId}/status'])
 *   // ['sensors/#', 'devices/+/cmd/ack']
 */
export function subscriptionFilters(
  routes: readonly { mqtt: string; subscribe: 'namespace' | 'exact' }[],
  namespaceTemplates: readonly string[] = [],
): string[] {
  return minimalFilters([
    ...routes.map((r) => (r.subscribe === 'exact' ? compileTopicTemplate(r.mqtt).filter : namespaceOf(r.mqtt))),
    ...namespaceTemplates.map(namespaceOf),
  ]);
}
