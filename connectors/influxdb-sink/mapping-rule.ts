/**
 * How the records of one topic become points. Derived from the topic name by `ruleForTopic`
 * (route.ts), overridable per topic in the sink config.
 *
 * @example
 *   // telemetry.environment.agg.1m -> measurement environment_1m, timestamp = windowStart
 *   const rule: MappingRule = { kind: 'window', measurement: 'environment_1m', tags: ['deviceId', 'site'], tagMaps: ['tags'],
 *     stringFields: [], timestampField: 'windowStart', exclude: [] };
 */
export interface MappingRule {
  kind: RecordKind;
  measurement: string;
  /** Top-level string or enum fields written as tags (low cardinality only), when present. */
  tags: string[];
  /** Top-level maps of strings whose entries become tags (window results' route `tags`); named fields win. */
  tagMaps: string[];
  /** Top-level string or enum fields written as string fields. */
  stringFields: string[];
  /** The event-time field (timestamp-millis); if the schema has no such field, the Kafka record timestamp. */
  timestampField: string;
  /** Fields never written, at any depth, by their flattened name. */
  exclude: string[];
}

/**
 * raw readings, window results (per device), fleet window results (per site or model: no device,
 * so no registry tags), anomalies, device status.
 */
export type RecordKind = 'reading' | 'window' | 'fleet-window' | 'anomaly' | 'device-status';
