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
});
