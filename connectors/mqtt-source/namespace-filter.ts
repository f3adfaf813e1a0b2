import { minimalFilters } from './filter-covers.js';

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
  return minimalFilters(
    templates.map((template) => {
      const levels = template.split('/');
      const first = levels.findIndex((level) => level.startsWith('{'));
      const prefix = first < 0 ? levels : levels.slice(0, first);
      return [...prefix, '#'].join('/');
    }),
  );
}
