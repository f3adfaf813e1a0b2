import type { MappingRule } from './mapping-rule.js';

/**
 * The default mapping of a topic, from the pipeline's topic naming contract (DESIGN.md):
 * - `<prefix><type>` raw readings -> measurement `<type>`, timestamp `ts`;
 * - `<prefix><type>.agg.<window>` window results -> `<type>_<window>` (e.g. environment_1m), timestamp `windowStart`;
 * - `<prefix>anomalies` -> `anomalies`, tagged by type, field, kind and detector, with channel and
 *   status as string fields (one point per incident: its CLOSED record overwrites its OPEN one);
 * - `<prefix>device-status` -> `device_status`, status as a string field (not also a tag: InfluxQL
 *   cannot tell a tag and a field of the same name apart in `last("status")`).
 * - `<prefix><type>.agg.<site|model>.<window>` fleet window results (the enrich topology) ->
 *   `<type>_<window>_by_<site|model>` (e.g. environment_1m_by_site: not ending in `_1m`, so the
 *   dashboards' per-device window queries `/_1m$/` do not count them twice), timestamp `windowStart`,
 *   the model in `tags`;
 * - `<topic>.enriched` (the enrich topology) -> the rule of `<topic>` plus the record's `model` and
 *   `firmware` as tags and its `deviceTags` map as tags (a sink given these in `sink.topics`
 *   writes registry tags without reading the registry itself).
 * `extraTags` (configured low-cardinality strings) are added to every rule.
 *
 * @example
 *   ruleForTopic('telemetry.environment.agg.1m', { prefix: 'telemetry.', extraTags: [] }).measurement; // 'environment_1m'
 */
export function ruleForTopic(topic: string, options: { prefix: string; extraTags: string[] }): MappingRule {
  if (topic.endsWith(ENRICHED)) {
    const rule = ruleForTopic(topic.slice(0, -ENRICHED.length), options);
    return {
      ...rule,
      tags: [...new Set([...rule.tags, 'model', 'firmware'])],
      tagMaps: [...rule.tagMaps, 'deviceTags'],
    };
  }
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
  const fleet = /^(.+)\.agg\.(site|model)\.([A-Za-z0-9]+)$/.exec(name);
  if (fleet) {
    return {
      kind: 'fleet-window',
      measurement: `${measurementPart(fleet[1] ?? name)}_${fleet[3]}_by_${fleet[2]}`,
      tags: tags([]),
      tagMaps: ['tags'],
      stringFields: [],
      timestampField: 'windowStart',
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

const ENRICHED = '.enriched';

/** Topic characters InfluxQL would need quoted (`.` and `-`) become `_`. */
function measurementPart(name: string): string {
  return name.replace(/[.-]/g, '_');
}
