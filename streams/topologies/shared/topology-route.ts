import type { ReadingRoute } from '../../../lib/config/index.js';
import type { FieldRange } from '../../../lib/serde/index.js';

/**
 * What a topology needs of one reading route: its type, topic, tags and the numeric fields its
 * schema declares (with their doc ranges). Built from the config's `readingRoutes`, so a new
 * `.avsc` plus a route line is all a new sensor type needs.
 *
 * @example
 *   topologyRoute(config.readingRoutes[0]);
 *   // { type: 'environment', topic: 'telemetry.environment', fields: ['temperature', 'humidity', 'pressure'], ... }
 */
export interface TopologyRoute {
  type: string;
  topic: string;
  /** Numeric fields, in schema order. */
  fields: string[];
  /** Physical ranges by field (from `range: min..max` in the field docs). */
  ranges: Record<string, FieldRange>;
  /** The event-time field (`ts`). */
  timeField: string;
  tags: Record<string, string>;
}

export function topologyRoute(r: ReadingRoute): TopologyRoute {
  const ranges: Record<string, FieldRange> = {};
  for (const f of r.fields.numeric) if (f.range) ranges[f.name] = { ...f.range };
  return {
    type: r.type,
    topic: r.topic,
    fields: r.fields.numeric.map((f) => f.name),
    ranges,
    timeField: r.fields.time ?? 'ts',
    tags: { ...r.tags },
  };
}
