import { describe, expect, it } from 'vitest';
import { sinkSettingsFrom } from '../../../connectors/influxdb-sink/sink-settings.js';
import { loadPipelineConfig } from '../../../lib/config/index.js';
import { pipelineSubjects } from '../../../lib/config/subjects.js';
import { pipelineTopics } from '../../../lib/pipeline/topics.js';

const ON = { IOTP_ENRICH__ENABLED: 'true' };
const FLEET = [
  'telemetry.environment.agg.model.1m',
  'telemetry.environment.agg.site.1m',
  'telemetry.power.agg.model.1m',
  'telemetry.power.agg.site.1m',
];
const ENRICHED = ['telemetry.anomalies.enriched', 'telemetry.environment.enriched', 'telemetry.power.enriched'];

describe('enrich: config, topics, subjects, sink topics', () => {
  it('off (the shipped default): no enriched or fleet topic anywhere', () => {
    const config = loadPipelineConfig({ env: {} });
    const topics = pipelineTopics(config).map((t) => t.topic);
    expect(topics.filter((t) => t.endsWith('.enriched') || /\.agg\.(site|model)\./.test(t))).toEqual([]);
    expect(pipelineSubjects(config).filter((s) => s.role === 'enriched')).toEqual([]);
  });

  it('on: iotp setup creates the enriched and fleet topics and registers their schemas; the sink reads the fleet topics', () => {
    const config = loadPipelineConfig({ env: ON });
    const topics = pipelineTopics(config).map((t) => t.topic);
    for (const t of [...ENRICHED, ...FLEET]) expect(topics).toContain(t);
    const subjects = new Map(pipelineSubjects(config).map((s) => [s.subject, s]));
    const enriched = subjects.get('telemetry.environment.enriched-value');
    expect(enriched?.role).toBe('enriched');
    expect(enriched?.schema.name).toBe('iotp.telemetry.EnvironmentReadingEnriched');
    const fields = (enriched?.schema.json as { fields: { name: string }[] }).fields.map((f) => f.name);
    expect(fields).toEqual([
      'deviceId',
      'ts',
      'site',
      'temperature',
      'humidity',
      'pressure',
      'model',
      'firmware',
      'deviceTags',
    ]);
    expect(subjects.get('telemetry.anomalies.enriched-value')?.schema.name).toBe('iotp.telemetry.AnomalyEnriched');
    expect(subjects.get('telemetry.power.agg.site.1m-value')?.role).toBe('window-result');
    const sink = sinkSettingsFrom(loadPipelineConfig({ env: { ...ON, INFLUX_API: 'v1' } }));
    for (const t of FLEET) expect(sink.topics).toContain(t);
    expect(sink.topics.filter((t) => t.endsWith('.enriched'))).toEqual([]);
  });

  it('validates the fleet section, naming the key', () => {
    expect(() => loadPipelineConfig({ env: { ...ON, IOTP_ENRICH__FLEET__BY: '[site, site]' } })).toThrow(
      /enrich\.fleet\.by/,
    );
    expect(() => loadPipelineConfig({ env: { ...ON, IOTP_ENRICH__FLEET__BY: '[floor]' } })).toThrow(
      /expected site or model/,
    );
    expect(() =>
      loadPipelineConfig({ env: { ...ON, IOTP_ENRICH__FLEET__WINDOWS: '[{ size: 1m, grace: 10s, retention: 30s }]' } }),
    ).toThrow(/enrich\.fleet\.windows\.0\.retention|enrich\.fleet\.windows\[0\]\.retention/);
  });
});
