import { describe, expect, it } from 'vitest';
import { ruleForTopic } from './route.js';

describe('ruleForTopic', () => {
  const opts = { prefix: 'telemetry.', extraTags: ['zone'] };
  it.each([
    ['telemetry.environment', 'reading', 'environment', 'ts'],
    ['telemetry.power', 'reading', 'power', 'ts'],
    ['telemetry.environment.agg.1m', 'window', 'environment_1m', 'windowStart'],
    ['telemetry.power.agg.1h', 'window', 'power_1h', 'windowStart'],
    ['telemetry.air-quality.agg.1m', 'window', 'air_quality_1m', 'windowStart'],
    ['telemetry.anomalies', 'anomaly', 'anomalies', 'ts'],
    ['telemetry.device-status', 'device-status', 'device_status', 'ts'],
    ['plant7.vibration', 'reading', 'plant7_vibration', 'ts'],
    ['telemetry.environment.agg.site.1m', 'fleet-window', 'environment_1m_by_site', 'windowStart'],
    ['telemetry.power.agg.model.1h', 'fleet-window', 'power_1h_by_model', 'windowStart'],
    ['telemetry.environment.enriched', 'reading', 'environment', 'ts'],
    ['telemetry.anomalies.enriched', 'anomaly', 'anomalies', 'ts'],
  ])('%s -> %s %s', (topic, kind, measurement, timestampField) => {
    const rule = ruleForTopic(topic, opts);
    expect(rule).toMatchObject({ kind, measurement, timestampField });
    expect(rule.tags.slice(0, 3)).toEqual(['deviceId', 'site', 'zone']);
  });

  it('tags anomalies by kind, detector, type and field', () => {
    expect(ruleForTopic('telemetry.anomalies', opts).tags).toEqual(
      expect.arrayContaining(['kind', 'detector', 'type', 'field']),
    );
  });

  it("an enriched topic adds the record's model and firmware as tags and its deviceTags map", () => {
    const rule = ruleForTopic('telemetry.environment.enriched', opts);
    expect(rule.tags).toEqual(['deviceId', 'site', 'zone', 'model', 'firmware']);
    expect(rule.tagMaps).toEqual(['tags', 'deviceTags']);
  });
});
