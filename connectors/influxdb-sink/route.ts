import type { MappingRule } from './mapping-rule.js';

/**
 * The default mapping of a topic, from the pipeline's topic naming contract (DESIGN.md):
 * - `<prefix><type>` raw readings -> measurement `<type>`, timestamp `ts`;
 * - `<prefix><type>.agg.<window>` window results -> `<type>_<window>` (e.g. environment_1m), timestamp `windowStart`;
 * - `<prefix>anomalies` -> `anomalies`, tagged by type, field, kind and detector, with channel and
 *   status as string fields (one point per incident: its CLOSED record overwrites its OPEN one);
 * - `<prefix>device-status` -> `device_status`, status as a string field (not also a tag: InfluxQL
 *   cannot tell a tag and a field of the same name apart in `last("status")`).
 * `extraTags` (configured low-cardinality strings) are added to every rule.
 *
 * @example
 *   ruleForTopic('telemetry.environment.agg.1m', { prefix: 'telemetry.', extraTags: [] }).measurement; // 'environment_1m'
 */
export function ruleForTopic(topic: string, options: { prefix: string; extraTags: string[] }): MappingRule {
  const name = topic.startsWith(options.prefix) ? topic.slice(options.prefix.length) : topic;
  const base = ['deviceId', 'site', ...options.extraTags];
  const tags = (more: string[]) => [...new Set([...base, ...more])];
  if (name === 'anomalies') {
    return {
      kind: 'anomaly',
      measurement: 'anomalies',
      tags: tags(['type', 'field', 'kind', 'detector']),
      tagMaps: ['tags'],
      // An incident's OPEN and CLOSED records share ts and tags: the CLOSED one overwrites the point.
      stringFields: ['channel', 'status'],
      timestampField: 'ts',
      exclude: [],
    };
  }
  if (name === 'device-status') {
    return {
      kind: 'device-status',
      measurement: 'device_status',
      tags: tags(['type']),
      tagMaps: ['tags'],
      stringFields: ['status'],
      timestampField: 'ts',
      exclude: [],
    };
  }
  const window = /^(.+)\.agg\.([A-Za-z0-9]+)$/.exec(name);
  if (window) {
    return {
      kind: 'window',
      measurement: `${measurementPart(window[1] ?? name)}_${window[2]}`,
      tags: tags([]),
      tagMaps: ['tags'],
      stringFields: [],
      timestampField: 'windowStart',
      exclude: [],
    };
  }
  return {
    kind: 'reading',
    measurement: measurementPart(name),
    tags: tags([]),
    tagMaps: ['tags'],
    stringFields: [],
    timestampField: 'ts',
    exclude: [],
  };
}

/** Topic characters InfluxQL would need quoted (`.` and `-`) become `_`. */
function measurementPart(name: string): string {
  return name.replace(/[.-]/g, '_');
}
