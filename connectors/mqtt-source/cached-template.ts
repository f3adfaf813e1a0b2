import type { Segments, TopicTemplate } from './topic-template.js';

/**
 * A topic template whose `match` remembers its answers (topics repeat: one per device and type),
 * bounded: past `size` distinct topics the memory starts over. Callers must not modify the
 * segments they get (they are shared between calls).
 *
 * @example
 *   const status = withMatchCache(compileTopicTemplate('sensors/{site}/{deviceId}/status'));
 *   status.match('sensors/lab/d1/environment'); // undefined, from memory the next time
 */
export function withMatchCache(template: TopicTemplate, size = 100_000): TopicTemplate {
  const cache = new Map<string, Segments | null>();
  return {
    template: template.template,
    filter: template.filter,
    names: template.names,
    literalCount: template.literalCount,
    match(topic) {
      const known = cache.get(topic);
      if (known !== undefined) return known ?? undefined;
      const segments = template.match(topic);
      if (cache.size >= size) cache.clear();
      cache.set(topic, segments === undefined ? null : Object.freeze(segments));
      return segments;
    },
  };
}
